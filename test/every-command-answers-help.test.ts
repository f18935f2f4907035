// Every command and sub-command answers --help (and -h) with its usage and
// every option with its default, and exits 0; the top-level help lists
// every command; and every option a help text lists is one the command
// takes (the command, given it, never answers "Unknown option").

import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { BIN, runCli } from './helpers/cli.js';

const COMMANDS = ['serve', 'score', 'compile', 'train', 'features', 'eval', 'eval fraud', 'eval recs', 'eval forecast', 'replay'];

function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, CI: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b));
    // A command that did not refuse its options may start work: stopped after a while.
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('--help', () => {
  it('the top level lists every command', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS.filter((c) => c !== 'eval')) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
  });

  it.each(COMMANDS)('%s --help lists its options with their defaults', async (command) => {
    const args = command.split(' ');
    for (const flag of ['--help', '-h']) {
      const r = runCli([...args, flag]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: streamscore ${command}`));
    }
    const text = runCli([...args, '--help']).stdout;
    const options = [...new Set([...text.matchAll(/^\s+(--[a-z][a-z0-9-]*)/gm)].map((m) => m[1]!))].filter((o) => o !== '--help');
    if (command !== 'eval') expect(options.length).toBeGreaterThan(0);
    // Options that take a value are listed with one and "default"/"required" on their line (serve: on the line after next).
    for (const line of text.split('\n').filter((l) => /^\s+--[a-z]/.test(l) && !/--help/.test(l) && command !== 'serve')) expect(line, line).toMatch(/default|required/);
    // Each listed option is taken: given to the command (with a value), it is
    // never unknown. (serve's parser is made from the same settings as its
    // help: test/settings-are-defined-once.test.ts.)
    if (command === 'serve') return;
    const results = await Promise.all(options.map((o) => run([...args, o, '1']).then((r) => ({ o, r }))));
    for (const { o, r } of results) expect(r.stderr, `${command} ${o}`).not.toMatch(new RegExp(`Unknown option '${o}'`));
  });
});
