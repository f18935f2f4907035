// A STAND-IN for the fraud pipeline's Scoring, for the server's tests and the
// WebSocket benchmark only: deterministic, instant, no model. The real
// Scoring (host/core/pipeline.ts) replaces it. It validates with the real
// event schema, so per-event errors are the real ones.
//
//   purchase: fraudScore = 1 - exp(-amount / 1000); review from 0.5, block from 0.9;
//             one reason ("amount") when the score is 0.5 or more
//   any other valid event: fraudScore 0, allow, no reasons

import { validateEvent } from '../../host/core/schema.js';
import type { Decision, ScoreError, ScoreResult, Scoring } from '../../host/core/ports.js';

export function standInScore(amount: number): { fraudScore: number; decision: Decision } {
  const fraudScore = 1 - Math.exp(-amount / 1000);
  return { fraudScore, decision: fraudScore >= 0.9 ? 'block' : fraudScore >= 0.5 ? 'review' : 'allow' };
}

/** The stand-in Scoring. */
export function createStandInScoring(): Scoring {
  return {
    score(events: unknown[]): (ScoreResult | ScoreError)[] {
      return events.map((value) => {
        const v = validateEvent(value);
        if (!v.ok) {
          const eventId = (value as { eventId?: unknown } | null)?.eventId;
          return { ...(typeof eventId === 'string' ? { eventId } : {}), error: v.reason, ...(v.field ? { field: v.field } : {}) };
        }
        const e = v.event;
        if (e.type !== 'purchase') return { eventId: e.eventId, fraudScore: 0, decision: 'allow', reasons: [] };
        const { fraudScore, decision } = standInScore(e.amount);
        const reasons =
          fraudScore >= 0.5 ? [{ feature: 'amount', contribution: Math.log(fraudScore / (1 - fraudScore)), text: `amount ${e.amount} is high (stand-in rule)` }] : [];
        return { eventId: e.eventId, fraudScore, decision, reasons };
      });
    },
  };
}
