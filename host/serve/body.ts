// A request body or WebSocket message to a JSON value, under the limits the
// API documents (docs/API.md, "Bad input"): valid UTF-8 (bad bytes are an
// error, never silently replaced), nesting at most MAX_JSON_DEPTH deep, and
// JSON. Each failure is a stable code and a message that says what is wrong.

import { isUtf8 } from 'node:buffer';

/** Deepest nesting of arrays and objects a request may have (an event is 2 deep inside its request). */
export const MAX_JSON_DEPTH = 64;

export type Decoded = { ok: true; value: unknown } | { ok: false; code: 'bad_encoding' | 'too_deep' | 'bad_json'; message: string };

/** Decodes `bytes` (what: "request body" or "message", for the message). */
export function decodeJson(bytes: ArrayBuffer | Uint8Array, what: string): Decoded {
  if (!isUtf8(bytes)) return { ok: false, code: 'bad_encoding', message: `${what} is not valid UTF-8` };
  const buf = bytes instanceof Uint8Array ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : Buffer.from(bytes);
  const text = buf.toString('utf8');
  const depth = nestingDepth(text, MAX_JSON_DEPTH);
  if (depth > MAX_JSON_DEPTH) return { ok: false, code: 'too_deep', message: `${what} nests arrays and objects more than ${MAX_JSON_DEPTH} deep` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, code: 'bad_json', message: `${what} is not valid JSON: ${(e as Error).message}` };
  }
}

/**
 * The deepest nesting of [ and { outside strings, counted up to `stop` + 1
 * (then it stops reading). JSON.parse itself takes any depth, but serialising
 * such a value again (a dead letter, an error message) overflows the stack.
 */
export function nestingDepth(text: string, stop: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // a backslash: the next character is escaped
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max && (max = depth) > stop) return max;
    } else if (c === 93 || c === 125) depth--;
  }
  return max;
}
