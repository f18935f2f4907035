// host/fraud/catalog.ts is the one list of features: the WASM index
// constants (assembly/features/names.ts) and the table in docs/FEATURES.md are
// generated from it and must be current, and an engine refuses a module
// whose feature count or names hash differs.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FEATURES, FEATURE_NAMES, namesHash } from '../host/fraud/catalog.js';
import { renderAssemblyNames, spliceDocs } from '../host/fraud/codegen.js';
import { FeatureEngine } from '../host/fraud/features.js';
import { GbtEngine } from '../host/gbt/engine.js';
import { ROOT } from './helpers/cli.js';

describe('the feature catalog', () => {
  it('has at least 60 uniquely named, documented features', () => {
    expect(FEATURES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(FEATURE_NAMES).size).toBe(FEATURES.length);
    for (const f of FEATURES) {
      expect(f.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(f.definition.length).toBeGreaterThan(10);
    }
  });

  it('assembly/features/names.ts and docs/FEATURES.md are generated from it (npm run gen:features)', () => {
    expect(readFileSync(join(ROOT, 'assembly/features/names.ts'), 'utf8')).toBe(renderAssemblyNames());
    const docs = readFileSync(join(ROOT, 'docs/FEATURES.md'), 'utf8');
    expect(spliceDocs(docs)).toBe(docs);
  });

  it('the built module agrees by count and names hash', () => {
    const e = new FeatureEngine();
    expect(e.width).toBe(FEATURE_NAMES.length);
    expect(e.exports.featuresNamesHash() >>> 0).toBe(namesHash());
  });

  it('an engine refuses a module that disagrees', () => {
    const gbt = new GbtEngine();
    const exports = gbt.exports as unknown as Record<string, unknown>;
    const fake = { exports: { ...exports, featuresCount: () => FEATURE_NAMES.length - 1 } } as unknown as GbtEngine;
    expect(() => new FeatureEngine({ engine: fake })).toThrow(/do not match host\/fraud\/catalog.ts/);
  });
});
