// Writes what is generated from the settings (host/serve/config.ts): the
// README's table of user settings, docs/CONFIGURATION.md's table of tuning
// dials, and .env.example. Run by `npm run gen:settings`; the test
// settings-are-defined-once checks that the files are current.

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { envExample, settingsTable } from './config.js';

/** `text` with what stands between `<!-- NAME -->` and `<!-- /NAME -->` replaced by `body`. */
export function between(text: string, name: string, body: string): string {
  const open = `<!-- ${name} -->\n`;
  const close = `<!-- /${name} -->`;
  const a = text.indexOf(open);
  const b = text.indexOf(close);
  if (a < 0 || b < a) throw new Error(`no ${open.trim()} ... ${close} block`);
  return text.slice(0, a + open.length) + body + text.slice(b);
}

/** The generated files' contents, from the current ones under `root`. */
export function generated(root: string): Record<string, string> {
  const readme = join(root, 'README.md');
  const doc = join(root, 'docs', 'CONFIGURATION.md');
  return {
    [readme]: between(readFileSync(readme, 'utf8'), 'settings', settingsTable(false)),
    [doc]: between(readFileSync(doc, 'utf8'), 'dials', settingsTable(true)),
    [join(root, '.env.example')]: envExample(),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  for (const [path, text] of Object.entries(generated(root))) writeFileSync(path, text);
}
