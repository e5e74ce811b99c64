import { describe, expect, it } from 'vitest';
import { type CompiledQuery, compileQuery } from '../../src/analytics/compile.js';
import { ValidationError } from '../../src/errors.js';
import { HOSTILE_STRINGS } from './hostile-strings.js';

const context = { fromTime: new Date('2024-05-01T00:00:00Z'), toTime: new Date('2024-05-08T00:00:00Z') };

/**
 * The invariants of every compiled query: after removing quoted identifiers and `{name:Type}`
 * placeholders, no quote, comment or statement separator is left, and the only tables read are
 * the one aggregated (ci_finished_builds or ci_finished_build_sections) and ci_finished_pipelines.
 */
const ALLOWED_TABLES = { builds: '`ci_finished_builds`', sections: '`ci_finished_build_sections`' } as const;

function expectSafeSql(compiled: CompiledQuery, table: keyof typeof ALLOWED_TABLES = 'builds'): void {
  const bare = compiled.sql.replace(/\{[a-z_][a-z0-9_]*:[A-Za-z0-9(), ']+\}/g, '?').replace(/`[A-Za-z_][A-Za-z0-9_]*`/g, 'I');
  expect(bare).not.toMatch(/['"`;\\]|--|\/\*|\*\/|\u0000/);
  expect(bare).toMatch(/^[A-Za-z0-9_ ().,=<>!?\n]+$/);
  const tables = [...compiled.sql.matchAll(/(?:FROM|JOIN) (\S+)/g)].map((m) => m[1] ?? '');
  expect(new Set(tables.filter((t) => !t.startsWith('(')))).toEqual(new Set([ALLOWED_TABLES[table], '`ci_finished_pipelines`']));
  expect(compiled.sql).not.toMatch(/system\./i);
}

function flatValues(params: CompiledQuery['params']): unknown[] {
  return Object.values(params).flatMap((v) => (Array.isArray(v) ? v : [v]));
}

function rejected(input: unknown, ctx: typeof context = context): readonly string[] {
  try {
    compileQuery(input, ctx);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }
  throw new Error(`accepted: ${JSON.stringify(input)}`);
}

describe('hostile values are bound, never in the SQL text', () => {
  const queryWith = (value: string) =>
    compileQuery(
      {
        dimensions: [{ column: 'name', as: 'job' }],
        metrics: [{ function: 'countIf', condition: { column: 'failure_reason', operator: '!=', value } }],
        filter: [
          { column: 'job', operator: 'LIKE', value },
          { column: 'stage', operator: 'NOT IN', value: [value, 'x'] },
          { column: 'ref', operator: '=', value },
        ],
      },
      { ...context, ref: value, source: value },
    );

  it.each(HOSTILE_STRINGS.map((s) => [s]))('%j', (hostile) => {
    const compiled = queryWith(hostile);
    expectSafeSql(compiled);
    // the SQL text does not depend on the values at all
    expect(compiled.sql).toBe(queryWith('benign').sql);
    // and holds none of them, except strings that happen to equal our own placeholders
    if (!/^\{[a-z_0-9]+:[^}]+\}$/.test(hostile)) expect(compiled.sql).not.toContain(hostile);
    expect(flatValues(compiled.params).filter((v) => v === hostile)).toHaveLength(6);
  });

  const sectionsQueryWith = (value: string) =>
    compileQuery(
      {
        table: 'sections',
        dimensions: [{ column: 'name', as: 'section' }],
        metrics: [{ function: 'quantileIf(0.9)', column: 'duration', condition: { column: 'kind', operator: '!=', value } }],
        filter: [
          { column: 'section', operator: 'LIKE', value },
          { column: 'build_name', operator: 'NOT IN', value: [value, 'x'] },
          { column: 'ref', operator: '=', value },
        ],
      },
      { ...context, ref: value, source: value },
    );

  it.each(HOSTILE_STRINGS.map((s) => [s]))('sections: %j', (hostile) => {
    const compiled = sectionsQueryWith(hostile);
    expectSafeSql(compiled, 'sections');
    expect(compiled.sql).toBe(sectionsQueryWith('benign').sql);
    if (!/^\{[a-z_0-9]+:[^}]+\}$/.test(hostile)) expect(compiled.sql).not.toContain(hostile);
    expect(flatValues(compiled.params).filter((v) => v === hostile)).toHaveLength(6);
  });

  it('binds values equal to SQL keywords and placeholder names as plain strings', () => {
    const compiled = compileQuery(
      { metrics: [{ function: 'count' }], filter: [{ column: 'status', operator: 'IN', value: ['p0', 'FINAL', 'b', '?'] }] },
      context,
    );
    expectSafeSql(compiled);
    expect(compiled.params.p0).toEqual(['p0', 'FINAL', 'b', '?']);
  });
});

describe('hostile names are rejected with a clear message', () => {
  const names = [
    'name; DROP TABLE x',
    '`name`',
    '"name"',
    'name --',
    'name/**/',
    'n\u0430me',
    'name\u200b',
    'name\u0000',
    'NAME',
    ' name',
    'b.name',
    'system.users',
    '{p0:String}',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'date',
    'version',
    'deleted',
    'path',
  ];
  it.each([...names.map((n) => ['builds', n]), ...[...names, 'id', 'runner_type', 'source', 'version'].map((n) => ['sections', n])])(
    '%s: column %j',
    (table, name) => {
      const issues = rejected({
        table,
        dimensions: [{ column: name }],
        metrics: [{ function: 'uniq', column: name }],
        filter: [{ column: name, operator: '=', value: 'x' }],
        orderBy: [{ column: name }],
      });
      expect(issues.slice(0, 3).map((i) => i.split(': unknown column')[0])).toEqual([
        'dimensions[0].column',
        'metrics[0].column',
        'filter[0].column',
      ]);
      for (const issue of issues) expect(issue).not.toMatch(/[\u0000\u200b\u0430]/);
    },
  );

  it.each(['ci_finished_pipelines', 'system.users', 'sections; --', 'sections ', '__proto__', 'Pipelines', ''])('table %j', (table) => {
    expect(rejected({ table, metrics: [{ function: 'count' }] })).toEqual([
      `table: unknown table ${JSON.stringify(table)}; allowed: builds, sections, pipelines`,
    ]);
  });

  const functions = [
    'quantile(0.5)(x) FROM system.users --',
    'count() FROM system.tables',
    'count()',
    'count(*)',
    'COUNT',
    'avg ',
    'avg\n',
    'quantile(1)',
    'quantile(0)',
    'quantile(1.0)',
    'quantile(-0.5)',
    'quantile(1e-3)',
    'quantile(0.1234567)',
    'quantile(0.5 )',
    'quantile({p:Float64})',
    'quantile(0.5);',
    'quantileExact(0.5)',
    'uniqExact',
    'countIf(1)',
    'sumIfIf',
    'any',
    '__proto__',
    'constructor',
    'toString',
    'quantile',
    'quantileIf',
  ];
  it.each(functions.map((f) => [f]))('function %j', (fn) => {
    const issues = rejected({ metrics: [{ function: fn, column: 'duration' }] });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^metrics\[0\]\.function: unknown function ".*"; allowed: count, countIf, /s);
  });

  it.each([
    'x` FROM system.users --',
    'a b',
    '{p0:String}',
    'j\u00f6b',
    '1job',
    '__proto__',
    'constructor',
    'prototype',
    'p',
    'fp',
    'ci_finished_builds',
    '',
  ])('alias %j', (alias) => {
    const issues = rejected({ dimensions: [{ column: 'name', as: alias }], metrics: [{ function: 'count', as: alias }] });
    expect(issues.map((i) => i.split(':')[0])).toEqual(['dimensions[0].as', 'metrics[0].as']);
  });

  it.each(['= 1 OR 1=1 --', '=;', 'like', 'LIKE ', '<>', '==', 'IS NULL', 'IN (SELECT 1)', 'GLOBAL IN'])('operator %j', (operator) => {
    expect(rejected({ metrics: [{ function: 'count' }], filter: [{ column: 'name', operator, value: 'x' }] })).toEqual([
      `filter[0].operator: unknown operator ${JSON.stringify(operator)}; allowed: =, !=, <, <=, >, >=, LIKE, NOT LIKE, ILIKE, IN, NOT IN`,
    ]);
  });

  it('truncates a huge name in the message', () => {
    const issues = rejected({ metrics: [{ function: 'count' }], filter: [{ column: 'x'.repeat(150), operator: '=', value: 'x' }] });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.startsWith(`filter[0].column: unknown column "${'x'.repeat(64)}"…; allowed: `)).toBe(true);
    expect(rejected({ metrics: [{ function: 'y'.repeat(1_000_000) }] })).toEqual(['metrics[0].function: must be at most 200 characters']);
  });
});

describe('hostile numbers and structures are rejected', () => {
  const parsed = (json: string) => JSON.parse(json) as unknown;
  it.each([
    [
      '1e400 (Infinity)',
      parsed('{"metrics":[{"function":"count"}],"filter":[{"column":"duration","operator":">","value":1e400}]}'),
      'filter[0].value: Infinity is not a finite number',
    ],
    [
      '-1e400',
      parsed('{"metrics":[{"function":"count"}],"filter":[{"column":"duration","operator":">","value":-1e400}]}'),
      'filter[0].value: -Infinity is not a finite number',
    ],
    [
      'NaN',
      { metrics: [{ function: 'count' }], filter: [{ column: 'duration', operator: '>', value: Number.NaN }] },
      'filter[0].value: NaN is not a finite number',
    ],
    [
      '2^64 id',
      { metrics: [{ function: 'count' }], filter: [{ column: 'id', operator: '=', value: 2 ** 64 }] },
      'filter[0].value: expected an integer from 0 to 9007199254740991 for column "id" (UInt64)',
    ],
    [
      'negative id',
      { metrics: [{ function: 'count' }], filter: [{ column: 'runner_id', operator: 'IN', value: [1, -2] }] },
      'filter[0].value[1]: expected an integer from 0 to 9007199254740991 for column "runner_id" (UInt64)',
    ],
    ['limit 1e400', parsed('{"metrics":[{"function":"count"}],"limit":1e400}'), 'limit: must be a number'],
    ['limit -1', { metrics: [{ function: 'count' }], limit: -1 }, 'limit: must be from 1 to 10000'],
    ['limit 0', { metrics: [{ function: 'count' }], limit: 0 }, 'limit: must be from 1 to 10000'],
    ['limit 1.5', { metrics: [{ function: 'count' }], limit: 1.5 }, 'limit: must be an integer'],
    ['limit "10; DROP"', { metrics: [{ function: 'count' }], limit: '10; DROP' }, 'limit: must be a number'],
    ['offset huge', { metrics: [{ function: 'count' }], offset: 1e15 }, 'offset: must be from 0 to 1000000'],
    [
      '__proto__ key at the top',
      parsed('{"metrics":[{"function":"count"}],"__proto__":{"limit":1}}'),
      '(root): unknown key "__proto__"; allowed: table, dimensions, metrics, filter, orderBy, limit, offset',
    ],
    [
      '__proto__ key in a metric',
      parsed('{"metrics":[{"function":"count","__proto__":{"column":"duration"}}]}'),
      'metrics[0]: unknown key "__proto__"; allowed: function, column, condition, filter, as',
    ],
    [
      'constructor key',
      parsed('{"metrics":[{"function":"count"}],"constructor":{}}'),
      '(root): unknown key "constructor"; allowed: table, dimensions, metrics, filter, orderBy, limit, offset',
    ],
    [
      'nested value',
      { metrics: [{ function: 'count' }], filter: [{ column: 'name', operator: 'IN', value: [['a']] }] },
      'filter[0].value[0]: expected a string for column "name"',
    ],
    [
      'object value',
      { metrics: [{ function: 'count' }], filter: [{ column: 'name', operator: '=', value: { toString: 'x' } }] },
      'filter[0].value: expected a string for column "name"',
    ],
    [
      'orderBy nested twice',
      { metrics: [{ function: 'count' }], orderBy: [[[{ column: 'count' }]]] },
      'orderBy[0][0]: expected an object with column, desc, asc',
    ],
    [
      'condition nested twice',
      { metrics: [{ function: 'countIf', condition: [[{ column: 'status', operator: '=', value: 'x' }]] }] },
      'metrics[0].condition: expected { column, operator, value } or a list of them',
    ],
    [
      'string too long',
      { metrics: [{ function: 'count' }], filter: [{ column: 'name', operator: '=', value: 'x'.repeat(1001) }] },
      'filter[0].value: string is longer than 1000 characters',
    ],
  ])('%s', (_label, input, issue) => {
    expect(rejected(input)).toEqual([issue]);
  });

  it('rejects very deep nesting without overflowing the stack', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(rejected({ metrics: [{ function: 'count' }], filter: [{ column: 'name', operator: 'IN', value: deep }] })).toEqual([
      'filter[0].value[0]: expected a string for column "name"',
    ]);
  });

  it('rejects hostile context values that are not strings or dates', () => {
    const issues = rejected({ metrics: [{ function: 'count' }] }, {
      ...context,
      projectId: Number.POSITIVE_INFINITY,
      ref: 5,
    } as unknown as typeof context);
    expect(issues.map((i) => i.split(':')[0])).toEqual(['context.projectId', 'context.ref']);
  });
});
