// The server refuses to start on uWebSockets.js' slow pure-JS fallback: the
// start-up check tells the native module from the fallback, even though both
// export us_listen_socket_close.
import { createRequire } from 'node:module';
import { expect, test } from 'vitest';
import { assertNativeUws, loadUws } from '../host/serve/native.js';

const require = createRequire(import.meta.url);

test('the native module passes the check', () => {
  const uws = loadUws();
  expect(typeof uws.us_listen_socket_close).toBe('function');
  expect(() => assertNativeUws(uws)).not.toThrow();
});

test('the fallback is refused with a clear message', () => {
  const fallback = require('uWebSockets.js/dist/index');
  expect(typeof fallback.us_listen_socket_close).toBe('function');
  expect(() => assertNativeUws(fallback)).toThrow(/running its slow pure-JavaScript fallback, not the native server/);
});
