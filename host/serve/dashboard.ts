// The dashboard page (web/dashboard.html): one self-contained file, read once
// at start-up. Found by walking up from this module, so it works from the
// TypeScript sources (tests) and from dist/ alike.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StreamscoreError } from '../core/errors.js';

/** The page's HTML. Called once by createServer. */
export function loadDashboard(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const file = join(dir, 'web', 'dashboard.html');
    if (existsSync(file)) return readFileSync(file, 'utf8');
    dir = dirname(dir);
  }
  throw new StreamscoreError('web/dashboard.html not found above ' + dirname(fileURLToPath(import.meta.url)), { code: 'DASHBOARD_MISSING' });
}
