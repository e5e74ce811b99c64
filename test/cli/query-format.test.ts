import { describe, expect, it } from 'vitest';
import { formatCsv } from '../../src/cli/format-csv.js';
import { formatMarkdown } from '../../src/cli/format-markdown.js';
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
  it('CSV quotes commas, quotes and newlines (RFC 4180) and keeps full precision', () => {
    expect(formatCsv(grid)).toBe('name,note,n\r\n"a,b","say ""hi""",1.23456\r\n"multi\nline",,\r\npipe|cell,ok,2\r\n');
  });

  it('markdown escapes pipes and newlines, right-aligns numbers, rounds to 3 decimals', () => {
    expect(formatMarkdown(grid)).toBe(
      ['| name | note | n |', '| --- | --- | ---: |', '| a,b | say "hi" | 1.235 |', '| multi<br>line |  |  |', '| pipe\\|cell | ok | 2 |'].join('\n'),
    );
  });

  it('JSON is exactly { columns, rows, errors }', () => {
    expect(formatResult({ ...grid, errors: [] }, 'json')).toBe(JSON.stringify({ columns: grid.columns, rows: grid.rows, errors: [] }));
  });

  it('--sql as JSON gives { sql, params }', () => {
    expect(formatSql('SELECT {p0:String}', { p0: "x'y" }, 'json')).toBe('{"sql":"SELECT {p0:String}","params":{"p0":"x\'y"}}');
  });
});
