import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileQuery, type CompiledQuery } from '../../../src/analytics/index.js';
import { ValidationError } from '../../../src/errors.js';
import { openClickhouseClient, openClickhouseStore, type ClickhouseStore } from '../../../src/store/clickhouse/index.js';
import { ALL_TIME, DATASET } from './dataset.js';

/**
 * Hostile query inputs against a real engine: each is rejected with a ValidationError, or
 * compiles to SQL that reads only the two analytics tables and binds the hostile text as data.
 * A canary table holds a secret that must never appear in a result or an error.
 */
const dir = mkdtempSync(join(tmpdir(), 'pm-ch-hostile-'));
const CANARY = 'CANARY_SECRET_7f3a';
const ALLOWED_TABLES = ['default.ci_finished_builds', 'default.ci_finished_pipelines'];
let store: ClickhouseStore;

const base = { dimensions: [{ column: 'name' }], metrics: [{ function: 'count' }] };
const HOSTILE: [string, unknown][] = [
  ['backtick in a column', { ...base, dimensions: [{ column: 'name`, (SELECT secret FROM pm_secret) AS `x' }] }],
  ['SQL in a function name', { ...base, metrics: [{ function: 'quantile(0.5)(duration) FROM system.users --', column: 'duration' }] }],
  ['statement after a function', { ...base, metrics: [{ function: 'avg); DROP TABLE ci_finished_builds; --', column: 'duration' }] }],
  ['quote in a value', { ...base, filter: [{ column: 'name', operator: '=', value: "x' OR 1=1 --" }] }],
  ['placeholder in a value', { ...base, filter: [{ column: 'name', operator: '=', value: '{p0:String}) OR (1=1' }] }],
  ['placeholder-shaped LIKE', { ...base, filter: [{ column: 'name', operator: 'LIKE', value: "%'; SELECT secret FROM pm_secret; --" }] }],
  ['backtick in an alias', { ...base, dimensions: [{ column: 'name', as: 'a` FROM system.users --' }] }],
  ['qualified system column', { ...base, dimensions: [{ column: 'system.users.name' }] }],
  ['comment in a column', { ...base, dimensions: [{ column: 'name/**/' }] }],
  ['semicolon in orderBy', { ...base, orderBy: [{ column: 'name; SELECT * FROM pm_secret' }] }],
  ['SQL as operator', { ...base, filter: [{ column: 'name', operator: '= name OR 1=1 --', value: 'x' }] }],
  [
    'subquery as IN value',
    { ...base, filter: [{ column: 'name', operator: 'IN', value: ['(SELECT secret FROM pm_secret)', "') OR ('1'='1"] }] },
  ],
  ['homoglyph column (Cyrillic а)', { ...base, dimensions: [{ column: 'nаme' }] }],
  ['zero-width alias', { ...base, dimensions: [{ column: 'name', as: 'job\u200bname' }] }],
  ['NUL in a value', { ...base, filter: [{ column: 'name', operator: '=', value: 'job\u0000build' }] }],
  ['RTL override in a value', { ...base, filter: [{ column: 'name', operator: '=', value: '\u202eSELECT' }] }],
  ['__proto__ column', { ...base, dimensions: [{ column: '__proto__' }] }],
  ['constructor function', { ...base, metrics: [{ function: 'constructor' }] }],
  ['granularity with SQL', { ...base, dimensions: [{ column: 'finished_at', granularity: 'day), (SELECT 1' }] }],
  ['huge limit', { ...base, limit: 1e300 }],
  ['negative limit', { ...base, limit: -1 }],
  ['negative offset', { ...base, offset: -5 }],
  ['quantile out of range', { ...base, metrics: [{ function: 'quantile(1.5)', column: 'duration' }] }],
  ['quantile exponent', { ...base, metrics: [{ function: 'quantile(1e-7)', column: 'duration' }] }],
  ['huge number value', { ...base, filter: [{ column: 'duration', operator: '>', value: 1e300 }] }],
  ['negative id value', { ...base, filter: [{ column: 'project_id', operator: '=', value: -1 }] }],
  ['string for a number column', { ...base, filter: [{ column: 'duration', operator: '>', value: '0 OR 1=1' }] }],
  ['table function as column', { ...base, dimensions: [{ column: "file('/etc/passwd')" }] }],
  ['metric on pm_secret', { ...base, metrics: [{ function: 'any', column: 'secret' }] }],
  [
    'having with SQL value',
    { ...base, metrics: [{ function: 'count', as: 'n' }], filter: [{ column: 'n', operator: '>', value: '0) OR (1' }] },
  ],
];

beforeAll(async () => {
  store = await openClickhouseStore(dir, { autoMigrate: true });
  for (const payload of DATASET) await store.save(payload);
  const handle = await openClickhouseClient(dir);
  try {
    await handle.client.command({ query: 'CREATE TABLE pm_secret (secret String) ENGINE = MergeTree ORDER BY secret' });
    await handle.client.insert({ table: 'pm_secret', values: [{ secret: CANARY }], format: 'JSONEachRow' });
  } finally {
    await handle.close();
  }
});

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Tables the engine's analyzer resolves for a compiled query, and whether a table function is used. */
async function tablesRead(compiled: CompiledQuery): Promise<{ tables: string[]; tableFunction: boolean }> {
  const explain = await store.runQuery({ sql: `EXPLAIN QUERY TREE ${compiled.sql}`, params: compiled.params });
  const text = explain.rows.map((r) => String(r[0])).join('\n');
  const tables = [...text.matchAll(/table_name: ([A-Za-z0-9_.]+)/g)].map((m) => m[1]!);
  return { tables: [...new Set(tables)].sort(), tableFunction: /TABLE_FUNCTION/.test(text) };
}

describe('hostile query inputs', () => {
  it('the canary is readable by a plain query (the check below can fail)', async () => {
    const result = await store.runQuery({ sql: 'SELECT secret FROM pm_secret', params: {} });
    expect(result.rows).toEqual([[CANARY]]);
    const probe = { sql: 'SELECT count() FROM ci_finished_builds WHERE name IN (SELECT secret FROM pm_secret)', params: {}, columns: [] };
    expect(await tablesRead(probe)).toEqual({ tables: ['default.ci_finished_builds', 'default.pm_secret'], tableFunction: false });
  });

  it.each(HOSTILE)('%s: rejected, or reads only the analytics tables', async (_label, input) => {
    let compiled: CompiledQuery;
    try {
      compiled = compileQuery(input, ALL_TIME);
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.length).toBeGreaterThan(0);
      expect((error as Error).message).not.toContain(CANARY);
      return;
    }
    expect(compiled.sql).not.toMatch(/system\.|pm_secret|;|--|\/\*/);
    const { tables, tableFunction } = await tablesRead(compiled);
    expect(tableFunction).toBe(false);
    expect(tables.length).toBeGreaterThan(0);
    expect(tables.filter((t) => !ALLOWED_TABLES.includes(t))).toEqual([]);
    try {
      const result = await store.runQuery(compiled);
      expect(JSON.stringify(result)).not.toContain(CANARY);
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(CANARY);
    }
  });

  it('binds hostile text as data: a quote-laden value matches nothing and changes no count', async () => {
    const input = { ...base, filter: [{ column: 'name', operator: '!=', value: "x' OR 1=1 --" }] };
    const all = await store.runQuery(compileQuery(base, ALL_TIME));
    expect((await store.runQuery(compileQuery(input, ALL_TIME))).rows).toEqual(all.rows);
    const equal = { ...base, filter: [{ column: 'name', operator: '=', value: "job-build' OR '1'='1" }] };
    expect((await store.runQuery(compileQuery(equal, ALL_TIME))).rows).toEqual([]);
  });
});
