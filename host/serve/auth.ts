// The optional bearer token (API_TOKEN). Sent as `Authorization: Bearer T`, or,
// where a browser cannot set headers (the dashboard page and its WebSocket),
// as the `access_token` query parameter (RFC 6750 section 2.3). Tokens are
// compared as SHA-256 digests in constant time, so neither the length nor a
// matching prefix leaks through timing.

import { createHash, timingSafeEqual } from 'node:crypto';

/** Checks one request's credentials; null when no token is configured (everything allowed). */
export type Authorize = (authorization: string, accessToken: string | undefined) => boolean;

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Builds the check for `apiToken`. Called once by createServer; the check runs on every guarded request. */
export function createAuthorize(apiToken: string | undefined): Authorize {
  if (apiToken === undefined || apiToken === '') return () => true;
  const expected = digest(apiToken);
  return (authorization, accessToken) => {
    let given: string | undefined;
    const m = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
    if (m) given = m[1];
    else if (accessToken) given = accessToken;
    return given !== undefined && timingSafeEqual(digest(given), expected);
  };
}

/** The WWW-Authenticate header value of a 401 (RFC 6750 section 3). */
export const CHALLENGE = 'Bearer realm="streamscore"';
