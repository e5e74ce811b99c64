import { describe, expect, it } from 'vitest';
import { formatCsv } from '../../src/cli/format-csv.js';
import { formatMarkdown } from '../../src/cli/format-markdown.js';
import { formatDuration } from '../../src/cli/format-cell.js';
import { formatResult, formatSql } from '../../src/cli/format-result.js';

const grid = {
  columns: ['name', 'note', 'n'],
  rows: [
    ['a,b', 'say "hi"', 1.23456],
    ['multi\nline', null, null],
    ['pipe|cell', 'ok', 2],
  ],
};

describe('query output formats', () => {
  it('CSV quotes commas, quotes and newlines (RFC 4180) and rounds numbers to 3 decimals (no float noise)', () => {
    expect(formatCsv(grid)).toBe('name,note,n\r\n"a,b","say ""hi""",1.235\r\n"multi\nline",,\r\npipe|cell,ok,2\r\n');
  });

  it('CSV says a unit in the header unless the name already does', () => {
    const timed = { columns: ['p95', 'p50Ms', 'n'], rows: [[203520.66666666666, 1500, 3]], units: { p95: 'ms', p50Ms: 'ms' } as const };
    expect(formatCsv(timed)).toBe('p95_ms,p50Ms,n\r\n203520.667,1500,3\r\n');
  });

  it('tables show durations as people read them', () => {
    expect([850, 12_345, 203_520.667, 3_723_000].map(formatDuration)).toEqual(['850 ms', '12.35s', '3m 23.5s', '1h 02m 03s']);
  });

  it('markdown escapes pipes and newlines, right-aligns numbers, rounds to 3 decimals', () => {
    expect(formatMarkdown(grid)).toBe(
      [
        '| name | note | n |',
        '| --- | --- | ---: |',
        '| a,b | say "hi" | 1.235 |',
        '| multi<br>line |  |  |',
        '| pipe\\|cell | ok | 2 |',
      ].join('\n'),
    );
  });

  it('JSON is exactly { columns, rows, errors } (numbers rounded to 3 decimals) without units', () => {
    const rows = [
      ['a,b', 'say "hi"', 1.235],
      ['multi\nline', null, null],
      ['pipe|cell', 'ok', 2],
    ];
    expect(formatResult({ ...grid, errors: [] }, 'json')).toBe(JSON.stringify({ columns: grid.columns, rows, errors: [] }));
  });

  it('--sql as JSON gives { sql, params }', () => {
    expect(formatSql('SELECT {p0:String}', { p0: "x'y" }, 'json')).toBe('{"sql":"SELECT {p0:String}","params":{"p0":"x\'y"}}');
  });
});
