import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { parseClickhouseSpec } from '../../../src/store/clickhouse/spec.js';
import { splitStatements } from '../../../src/store/clickhouse/statements.js';
import { wrapClickhouseError, ClickhouseServerError } from '../../../src/store/clickhouse/errors.js';
import { UpstreamError } from '../../../src/errors.js';

describe('parseClickhouseSpec', () => {
  it('reads a server URL with credentials and database, describing it without the password', () => {
    expect(parseClickhouseSpec('https://ana:s%40cret@ch.example.com:8443/analytics')).toEqual({
      kind: 'server',
      url: 'https://ch.example.com:8443',
      username: 'ana',
      password: 's@cret',
      database: 'analytics',
      description: 'ClickHouse server https://ana@ch.example.com:8443/analytics',
    });
  });

  it('treats anything else as an embedded directory, defaulting to .pipeline-metrics/clickhouse', () => {
    expect(parseClickhouseSpec('data/ch', '/srv')).toEqual({
      kind: 'embedded',
      path: '/srv/data/ch',
      description: 'embedded ClickHouse (chDB) at /srv/data/ch',
    });
    expect(parseClickhouseSpec(undefined)).toMatchObject({ kind: 'embedded', path: resolve('.pipeline-metrics/clickhouse') });
  });

  it('refuses other URL schemes without echoing credentials', () => {
    expect(() => parseClickhouseSpec('clickhouse://u:pw@host:9000')).toThrow(UsageError);
    expect(() => parseClickhouseSpec('clickhouse://u:pw@host:9000')).toThrow(/clickhouse:\/\/\*\*\*@host:9000/);
  });
});

describe('splitStatements', () => {
  it('splits at top-level semicolons, keeping quoted ones and dropping comments', () => {
    const sql =
      "-- header; not a statement\nCREATE TABLE a (x String DEFAULT ';') ENGINE = Memory;\n/* ; */ SELECT 'it''s; ok', `we;ird`;\n\n-- trailing comment\n";
    expect(splitStatements(sql)).toEqual(["CREATE TABLE a (x String DEFAULT ';') ENGINE = Memory", "SELECT 'it''s; ok', `we;ird`"]);
  });
});

describe('wrapClickhouseError', () => {
  it("keeps the server's code and type and exits 3", () => {
    const serverError = Object.assign(new Error('Unknown table x'), { code: '60', type: 'UNKNOWN_TABLE' });
    const wrapped = wrapClickhouseError(serverError, 'running the query', 'embedded ClickHouse (chDB) at /d');
    expect(wrapped).toBeInstanceOf(ClickhouseServerError);
    // missing tables are a setup step not done (exit 2, issue 9), not a refused statement (3)
    expect(wrapped).toMatchObject({ code: '60', type: 'UNKNOWN_TABLE', exitCode: 2 });
    expect(wrapped.message).toBe(
      'ClickHouse (embedded ClickHouse (chDB) at /d) refused running the query: code 60 UNKNOWN_TABLE: Unknown table x (are the tables created? run `pipeline-metrics migrate`)',
    );
  });

  it('reports a network failure as unreachable (exit 4)', () => {
    const wrapped = wrapClickhouseError(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' }),
      'pinging',
      'ClickHouse server http://h',
    );
    expect(wrapped).toBeInstanceOf(UpstreamError);
    expect(wrapped).not.toBeInstanceOf(ClickhouseServerError);
    expect((wrapped as UpstreamError).exitCode).toBe(4);
  });
});
