// The trainer's status codes (assembly/train/status.ts) and what they mean;
// the codes it shares with the scorer are described by host/engine/status.ts.

import { statusMessage } from '../engine/status.js';

const MESSAGES: Record<number, string> = {
  [-201]: 'a binary label is neither 0 nor 1',
  [-202]: 'trainer exports called out of order',
  [-203]: 'more trees than the trainer reserved room for',
};

/** Describes a negative status from the trainer. */
export function trainStatusMessage(status: number): string {
  return MESSAGES[status] ?? statusMessage(status);
}
