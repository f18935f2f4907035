// A real single-node Kafka (KRaft, broker and controller in one JVM) for the
// integration tests. The jars come from Maven Central through `mvn` into a
// cache shared by every run; each run gets its own ports and temp log dir.
//
// 3.9 because kafkajs 2.2.4 speaks protocol versions that Kafka 4 removed.

import { randomBytes } from 'node:crypto';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { freePorts } from './ports.js';
import { run, spawnGroup, stopGroup, waitUntil } from './process-group.js';

export const KAFKA_VERSION = '3.9.2';

/** Where the jars live: ~/.cache/streamscore/kafka-<version>/lib/. */
export const KAFKA_HOME = join(homedir(), '.cache', 'streamscore', `kafka-${KAFKA_VERSION}`);

// Written last inside the staging dir, so a home without it is debris.
const MANIFEST = 'jars.txt';

// kafka_2.13 and its runtime closure, plus the slf4j -> reload4j binding that
// the Apache distribution ships in libs/ (without it slf4j falls back to a
// no-op logger and prints a warning on every start).
const POM = `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>streamscore.test</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>${KAFKA_VERSION}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${KAFKA_VERSION}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
    <dependency><groupId>ch.qos.reload4j</groupId><artifactId>reload4j</artifactId><version>1.2.25</version></dependency>
  </dependencies>
</project>
`;

// Jars whose absence would only show as a ClassNotFoundException at start.
const REQUIRED = [
  `kafka_2.13-${KAFKA_VERSION}.jar`, // kafka.Kafka, kafka.tools.StorageTool
  `kafka-clients-${KAFKA_VERSION}.jar`,
  `kafka-raft-${KAFKA_VERSION}.jar`,
  `kafka-metadata-${KAFKA_VERSION}.jar`,
  'scala-library-',
  'argparse4j-', // StorageTool's command line
  'slf4j-reload4j-',
  'reload4j-',
];

export interface KafkaService {
  /** host:port of the PLAINTEXT listener. */
  brokers: string[];
  /** The JVM's log, for a failing test to print. */
  logFile: string;
  stop(): Promise<void>;
}

/**
 * Makes sure the jars are in KAFKA_HOME, fetching them with mvn on the first
 * run on a machine. Safe when two runs start at once: each fetches into its
 * own staging dir and renames it into place; the loser drops its copy.
 */
export async function ensureKafkaJars(log: (line: string) => void): Promise<string> {
  if (await isComplete(KAFKA_HOME)) return KAFKA_HOME;
  if (existsSync(KAFKA_HOME)) {
    // Debris (a jar deleted by hand): move it aside atomically, since a
    // concurrent run may be renaming its complete copy in right now.
    const debris = `${KAFKA_HOME}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
    if (!(await isComplete(KAFKA_HOME))) await rename(KAFKA_HOME, debris).catch(() => {});
    await rm(debris, { recursive: true, force: true });
    if (await isComplete(KAFKA_HOME)) return KAFKA_HOME;
  }

  const started = Date.now();
  log(`fetching Apache Kafka ${KAFKA_VERSION} jars from Maven Central with mvn into ${KAFKA_HOME} (first run only; usually under a minute)`);
  await mkdir(join(KAFKA_HOME, '..'), { recursive: true });
  const staging = `${KAFKA_HOME}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(join(staging, 'lib'), { recursive: true });
    await writeFile(join(staging, 'pom.xml'), POM);
    await run(
      'mvn',
      [
        '-q', '-B', '-f', join(staging, 'pom.xml'),
        'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${join(staging, 'lib')}`,
      ],
      { timeoutMs: 10 * 60_000, ifMissing: 'mvn is needed to fetch the Kafka jars (Debian: apt-get install -y maven)' },
    );
    const jars = (await readdir(join(staging, 'lib'))).filter((f) => f.endsWith('.jar')).sort();
    const missing = REQUIRED.filter((prefix) => !jars.some((j) => j.startsWith(prefix)));
    if (missing.length > 0) throw new Error(`mvn fetched ${jars.length} jars but not: ${missing.join(', ')}`);
    await writeFile(join(staging, MANIFEST), jars.join('\n') + '\n');
    try {
      await rename(staging, KAFKA_HOME);
    } catch (e) {
      // Another run renamed its complete copy into place first.
      if (!(await isComplete(KAFKA_HOME))) throw e;
    }
    log(`fetched ${jars.length} jars in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return KAFKA_HOME;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Starts a broker on free loopback ports with its own temp dir and waits
 * until a kafkajs admin can list topics. Called once per test run by the
 * global setup.
 */
export async function startKafka(log: (line: string) => void): Promise<KafkaService> {
  const home = await ensureKafkaJars(log);
  // A port taken between choosing it and the JVM binding it is the one
  // failure worth a second try.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startBroker(home, log);
    } catch (e) {
      if (attempt >= 3 || !/BindException|Address already in use/.test(String(e))) throw e;
    }
  }
}

async function startBroker(home: string, log: (line: string) => void): Promise<KafkaService> {
  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'streamscore-kafka-'));
  const [port, controllerPort] = (await freePorts(2)) as [number, number];
  const props = join(dir, 'server.properties');
  const log4j = join(dir, 'log4j.properties');
  const logFile = join(dir, 'kafka.log');
  const stdoutFile = join(dir, 'stdout.log');

  await writeFile(props, [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${join(dir, 'data')}`,
    'num.partitions=4',
    'auto.create.topics.enable=true',
    'offsets.topic.replication.factor=1',
    // 50 by default: the first consumer group would wait for 50 partitions.
    'offsets.topic.num.partitions=4',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=4',
    'group.initial.rebalance.delay.ms=0',
    '',
  ].join('\n'));
  await writeFile(log4j, [
    'log4j.rootLogger=INFO, file',
    'log4j.appender.file=org.apache.log4j.FileAppender',
    `log4j.appender.file.File=${logFile}`,
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
    '',
  ].join('\n'));

  const classpath = join(home, 'lib', '*');
  const jvm = [
    '-Xms256m', '-Xmx512m',
    '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${log4j}`,
    `-Dkafka.logs.dir=${dir}`,
  ];

  const tail = () => describeLogs(stdoutFile, logFile);
  try {
    await run('java', [...jvm, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', props], {
      timeoutMs: 60_000,
      ifMissing: 'java (17) is needed to run Kafka (Debian: apt-get install -y openjdk-17-jre-headless)',
    });

    const out = openSync(stdoutFile, 'a');
    const child = spawnGroup('java', [...jvm, '-cp', classpath, 'kafka.Kafka', props], { stdio: ['ignore', out, out] }, dir);
    closeSync(out);

    const brokers = [`127.0.0.1:${port}`];
    const stop = async () => {
      await stopGroup(child);
      await rm(dir, { recursive: true, force: true });
    };
    try {
      await waitUntil('kafka', child, () => listTopics(brokers), 90_000);
      await warmGroupCoordinator(brokers);
    } catch (e) {
      const message = String(e) + (await tail());
      await stop();
      throw new Error(message);
    }
    log(`kafka ${KAFKA_VERSION} ready on ${brokers[0]} in ${((Date.now() - started) / 1000).toFixed(1)} s (log: ${logFile})`);
    return { brokers, logFile, stop };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

/** One metadata round trip with no retries; rejects until the broker serves requests. */
async function listTopics(brokers: string[]): Promise<void> {
  const admin = new Kafka({
    clientId: 'streamscore-test-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    await admin.listTopics();
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/**
 * Asks for a group coordinator once, which makes the broker create
 * __consumer_offsets now rather than under the first test's consumer (where
 * kafkajs logs "The group coordinator is not available" at ERROR while it
 * retries).
 */
async function warmGroupCoordinator(brokers: string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'streamscore-test-probe', brokers, logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    await admin.describeGroups(['streamscore-test-warm-up']);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/**
 * A random cluster id in Kafka's own form (16 random bytes, URL-safe base64,
 * no padding), made here to save a JVM start for `StorageTool random-uuid`.
 * Like Kafka's Uuid.randomUuid it avoids a leading '-', which a command
 * line would read as a flag.
 */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

async function isComplete(home: string): Promise<boolean> {
  try {
    const jars = (await readFile(join(home, MANIFEST), 'utf8')).split('\n').filter(Boolean);
    return jars.length > 0 && jars.every((j) => existsSync(join(home, 'lib', j)));
  } catch {
    return false;
  }
}

async function describeLogs(stdoutFile: string, logFile: string): Promise<string> {
  const last = async (file: string) => {
    try {
      return (await readFile(file, 'utf8')).split('\n').slice(-40).join('\n');
    } catch {
      return '(none)';
    }
  };
  return `\n--- ${stdoutFile} (last lines)\n${await last(stdoutFile)}\n--- ${logFile} (last lines)\n${await last(logFile)}`;
}
