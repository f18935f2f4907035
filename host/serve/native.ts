// uWebSockets.js loads a native binary built for this platform and Node ABI.
// When that fails it prints a warning and hands back a pure-JS fallback (also
// when UWS_USE_FALLBACK is set) that is many times slower and lacks parts of
// the API. The server must not run on it unnoticed, so it checks at start-up.

import { createRequire } from 'node:module';
import type * as UWS from 'uWebSockets.js';
import { StreamscoreError } from '../core/errors.js';

export type Uws = typeof UWS;

const require = createRequire(import.meta.url);

function isNativeFunction(f: unknown): boolean {
  return typeof f === 'function' && /\{\s*\[native code\]\s*\}\s*$/.test(Function.prototype.toString.call(f));
}

/**
 * Throws unless `uws` is the native module. Both the native module and the
 * fallback export us_listen_socket_close, so it must also be native code; the
 * fallback is plain JavaScript and lacks getParts.
 */
export function assertNativeUws(uws: Partial<Uws>): asserts uws is Uws {
  if (!isNativeFunction(uws.us_listen_socket_close) || !isNativeFunction(uws.App) || typeof uws.getParts !== 'function') {
    throw new StreamscoreError(
      `uWebSockets.js is running its slow pure-JavaScript fallback, not the native server: no binary for ` +
        `${process.platform}-${process.arch} with Node ABI ${process.versions.modules} loaded` +
        (process.env.UWS_USE_FALLBACK ? ' (UWS_USE_FALLBACK is set: unset it)' : '') +
        `. Use Node 18, 20 or 22 on linux/darwin x64/arm64 and reinstall (npm ci).`,
      { code: 'UWS_NOT_NATIVE' },
    );
  }
}

let loaded: Uws | undefined;

/** The native uWebSockets.js module. Called by createServer; throws if only the fallback loaded. */
export function loadUws(): Uws {
  if (loaded === undefined) {
    const uws = require('uWebSockets.js') as Partial<Uws>;
    assertNativeUws(uws);
    loaded = uws;
  }
  return loaded;
}
