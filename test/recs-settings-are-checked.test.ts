// The RECS_* settings reach the engine's options, and a bad value is a usage
// error naming the variable and the flag.

import { describe, expect, it } from 'vitest';
import { serveConfig } from '../host/serve/config.js';

describe('RECS_* settings', () => {
  it('default to the documented values and follow the environment', () => {
    expect(serveConfig({}, {}).recs).toMatchObject({ viewWeight: 1, cartWeight: 2, purchaseWeight: 4, sessionGapMs: 1_800_000, neighbours: 100, maxPairs: 4_000_000, maxHistory: 100, similarity: 'cosine', exclude: 'seen', halfLifeMs: 0, itemRefreshMs: 60_000, userRefreshMs: 2000, maxWaitMs: 50, maxDueMs: 5, worker: true, workerNice: 10 });
    const c = serveConfig({ 'recs-neighbours': '20' }, { RECS_WEIGHTS: '1,1,3', RECS_SESSION_GAP_MINUTES: '10', RECS_EXCLUDE: 'bought', RECS_NEIGHBOURS: '50' }).recs;
    expect(c).toMatchObject({ viewWeight: 1, cartWeight: 1, purchaseWeight: 3, sessionGapMs: 600_000, exclude: 'bought', neighbours: 20 });
    expect(serveConfig({}, { RECS_USER_REFRESH_MS: '0' }).recs.userRefreshMs).toBe(0);
    expect(serveConfig({}, { RECS_DUE_MS: '0', RECS_MAX_WAIT_MS: '0' }).recs).toMatchObject({ maxDueMs: 0, maxWaitMs: 0 });
    expect(serveConfig({ 'recs-due-ms': '2.5' }, { RECS_DUE_MS: '10' }).recs.maxDueMs).toBe(2.5);
    expect(serveConfig({}, { RECS_WORKER: 'false' }).recs.worker).toBe(false);
    expect(serveConfig({ 'recs-worker': 'false' }, {}).recs.worker).toBe(false);
    expect(serveConfig({}, { RECS_WORKER_NICE: '0' }).recs.workerNice).toBe(0);
    expect(serveConfig({ 'recs-worker-nice': '19' }, { RECS_WORKER_NICE: '3' }).recs.workerNice).toBe(19);
  });

  it('rejects bad values by name', () => {
    expect(() => serveConfig({}, { RECS_WEIGHTS: '1,2' })).toThrow(/RECS_WEIGHTS \/ --recs-weights/);
    expect(() => serveConfig({}, { RECS_NEIGHBOURS: '0' })).toThrow(/RECS_NEIGHBOURS \/ --recs-neighbours/);
    expect(() => serveConfig({}, { RECS_SIMILARITY: 'pearson' })).toThrow(/RECS_SIMILARITY/);
    expect(() => serveConfig({}, { RECS_EXCLUDE: 'all' })).toThrow(/RECS_EXCLUDE/);
    expect(() => serveConfig({}, { RECS_USER_REFRESH_MS: '-1' })).toThrow(/RECS_USER_REFRESH_MS \/ --recs-user-refresh-ms/);
    expect(() => serveConfig({}, { RECS_DUE_MS: '-1' })).toThrow(/RECS_DUE_MS \/ --recs-due-ms/);
    expect(() => serveConfig({}, { RECS_MAX_WAIT_MS: 'soon' })).toThrow(/RECS_MAX_WAIT_MS \/ --recs-max-wait-ms/);
    expect(() => serveConfig({}, { RECS_WORKER: 'maybe' })).toThrow(/RECS_WORKER \/ --recs-worker must be true or false/);
    for (const bad of ['20', '-1', '2.5', 'low']) expect(() => serveConfig({}, { RECS_WORKER_NICE: bad })).toThrow(/RECS_WORKER_NICE \/ --recs-worker-nice/);
  });
});
