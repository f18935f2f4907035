// The JSON records the outputs carry, each written once and reused by every
// output that carries it: a scored purchase's score record is the value of
// both its Redis keys, the body of its scores-topic message and, as its
// fraud alert, of the alerts topic and the WebSocket's alert.

import type { Alert, ScoredOutput } from './ports.js';

/**
 * A scored purchase's record, `{eventId, userId, ts, amount, fraudScore,
 * decision, reasons}` (a non-finite score as null, as JSON.stringify writes
 * it), built on first use and kept on the purchase. Called by the sinks and
 * the pipeline.
 */
export function scoreRecord(s: ScoredOutput): string {
  return (s.record ??=
    `{"eventId":${JSON.stringify(s.eventId)},"userId":${JSON.stringify(s.userId)},"ts":${num(s.ts)},"amount":${num(s.amount)},` +
    `"fraudScore":${num(s.fraudScore)},"decision":"${s.decision}","reasons":${JSON.stringify(s.reasons)}}`);
}

/** A fraud alert's record: its purchase's score record, with the topic first. Called by the pipeline when it raises the alert. */
export function fraudAlertRecord(s: ScoredOutput): string {
  return '{"topic":"alerts.fraud",' + scoreRecord(s).slice(1);
}

/**
 * An alert's record: a fraud alert comes with it (the pipeline writes it from
 * the score record); a stock alert, rare, is written per use. Called by the
 * Kafka sink and the WebSocket.
 */
export function alertRecord(a: Alert): string {
  return a.topic === 'alerts.fraud' && a.record !== undefined ? a.record : JSON.stringify(a);
}

/** [v0,v1,...] as JSON.stringify writes an array of numbers (NaN and infinities as null). */
export function valuesJson(values: ArrayLike<number>): string {
  let out = '[';
  for (let i = 0; i < values.length; i++) out += (i === 0 ? '' : ',') + num(values[i]!);
  return out + ']';
}

/** A number as JSON writes it; NaN and infinities (which JSON lacks) as null. */
export function num(v: number): string {
  return Number.isFinite(v) ? String(v) : 'null';
}
