// One SKU's inventory state: its stock level (the last stock event's level
// less the sales since), its sales per period, and its demand model.

import type { EtsModel } from './engine.js';

export type AlertState = 'ok' | 'reorder' | 'stockout-risk';

export class SkuState {
  /** Level from the last stock event, less sales since (null before any stock event). */
  level: number | null = null;
  reorderPoint: number | null = null;
  leadTimeDays: number | null = null;
  /** Index of the open period (floor(ts / periodMs)), -1 before the first sale or stock event. */
  period = -1;
  /** Sold in the open period. */
  open = 0;
  /** Closed periods' sales, oldest first, at most maxHistory. */
  history: number[] = [];
  model: EtsModel | null = null;
  /** Closed periods since the model was fitted. */
  sinceFit = 0;
  /** Recent one-step absolute errors over the model's sigma (drift watch). */
  recentErrors: number[] = [];
  /** The model's next-period forecast, to score against the period when it closes. */
  nextForecast: number | null = null;
  needsFit = false;
  alert: AlertState = 'ok';
  reason = '';
  lastTs = 0;

  constructor(readonly sku: string) {}
}
