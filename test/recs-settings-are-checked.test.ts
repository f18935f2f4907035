// The RECS_* settings reach the engine's options, and a bad value is a usage
// error naming the variable and the flag.

import { describe, expect, it } from 'vitest';
import { serveConfig } from '../host/serve/config.js';

describe('RECS_* settings', () => {
  it('default to the documented values and follow the environment', () => {
    expect(serveConfig({}, {}).recs).toMatchObject({ viewWeight: 1, cartWeight: 2, purchaseWeight: 4, sessionGapMs: 1_800_000, neighbours: 100, maxPairs: 4_000_000, maxHistory: 100, similarity: 'cosine', exclude: 'seen', halfLifeMs: 0, itemRefreshMs: 60_000, userRefreshMs: 2000 });
    const c = serveConfig({ 'recs-neighbours': '20' }, { RECS_WEIGHTS: '1,1,3', RECS_SESSION_GAP_MINUTES: '10', RECS_EXCLUDE: 'bought', RECS_NEIGHBOURS: '50' }).recs;
    expect(c).toMatchObject({ viewWeight: 1, cartWeight: 1, purchaseWeight: 3, sessionGapMs: 600_000, exclude: 'bought', neighbours: 20 });
    expect(serveConfig({}, { RECS_USER_REFRESH_MS: '0' }).recs.userRefreshMs).toBe(0);
  });

  it('rejects bad values by name', () => {
    expect(() => serveConfig({}, { RECS_WEIGHTS: '1,2' })).toThrow(/RECS_WEIGHTS \/ --recs-weights/);
    expect(() => serveConfig({}, { RECS_NEIGHBOURS: '0' })).toThrow(/RECS_NEIGHBOURS \/ --recs-neighbours/);
    expect(() => serveConfig({}, { RECS_SIMILARITY: 'pearson' })).toThrow(/RECS_SIMILARITY/);
    expect(() => serveConfig({}, { RECS_EXCLUDE: 'all' })).toThrow(/RECS_EXCLUDE/);
    expect(() => serveConfig({}, { RECS_USER_REFRESH_MS: '-1' })).toThrow(/RECS_USER_REFRESH_MS \/ --recs-user-refresh-ms/);
  });
});
