// What the HTTP and WebSocket scoring answers share.

import type { ScoreError, ScoreResult } from '../service/types.js';

export function isScoreError(r: ScoreResult | ScoreError): r is ScoreError {
  return (r as ScoreError).error !== undefined;
}

/**
 * The status of a POST /v1/score answer: 200 when at least one event was
 * scored (the others carry their own error), 422 when none could be, so a
 * client sending one bad event gets a 4xx.
 */
export function scoreStatus(results: (ScoreResult | ScoreError)[]): 200 | 422 {
  return results.length > 0 && results.every(isScoreError) ? 422 : 200;
}
