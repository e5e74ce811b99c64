import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveServeConfig } from '../../src/config/serve.js';

describe('resolveServeConfig', () => {
  it('defaults: port 8080 on all interfaces, embedded Postgres, 4 MiB bodies, no tokens, 10 s store budget', () => {
    expect(resolveServeConfig({}, {})).toEqual({
      port: 8080,
      host: '0.0.0.0',
      postgres: resolve('.pipeline-metrics/postgres'),
      clickhouse: undefined,
      tokens: [],
      readTokens: [],
      queryTimeoutS: 30,
      bodyLimit: 4 * 1024 * 1024,
      storeTimeoutMs: 10_000,
      dbPoolSize: 10,
    });
  });

  it('read tokens: repeatable flag or PIPELINE_METRICS_READ_TOKENS, optionally limited to project patterns; never a push token too', () => {
    const env = { PIPELINE_METRICS_READ_TOKENS: 'r1; r2=team/*,group/app  ', PIPELINE_METRICS_TOKENS: 'p1' };
    expect(resolveServeConfig({}, env)).toMatchObject({
      tokens: ['p1'],
      readTokens: [
        { token: 'r1', projects: [] },
        { token: 'r2', projects: ['team/*', 'group/app'] },
      ],
    });
    expect(resolveServeConfig({ readToken: ['f1=a/**'], queryTimeout: '2.5' }, env)).toMatchObject({
      readTokens: [{ token: 'f1', projects: ['a/**'] }],
      queryTimeoutS: 2.5,
    });
    expect(() => resolveServeConfig({ readToken: ['p1', 'x='], queryTimeout: '0' }, env)).toThrow(
      /--read-token \/ PIPELINE_METRICS_READ_TOKENS: expected TOKEN or TOKEN=PATTERN.+\n {2}--read-token: a token cannot be both a push token .+\n {2}--query-timeout: must be a number of seconds from 0.001 to 3600, got "0"/s,
    );
  });

  it('env fallbacks: PORT, DATABASE_URL, CLICKHOUSE_URL, PIPELINE_METRICS_TOKENS, PIPELINE_METRICS_BODY_LIMIT', () => {
    const env = {
      PORT: '9000',
      DATABASE_URL: 'postgres://db/x',
      CLICKHOUSE_URL: 'http://ch:8123',
      PIPELINE_METRICS_TOKENS: ' a, b ,,',
      PIPELINE_METRICS_BODY_LIMIT: '512KiB',
    };
    expect(resolveServeConfig({}, env)).toMatchObject({
      port: 9000,
      postgres: 'postgres://db/x',
      clickhouse: 'http://ch:8123',
      tokens: ['a', 'b'],
      bodyLimit: 512 * 1024,
    });
    expect(resolveServeConfig({ port: '0', token: ['flag'], bodyLimit: '1048576' }, env)).toMatchObject({
      port: 0,
      tokens: ['flag'],
      bodyLimit: 1_048_576,
    });
  });

  it('lists every problem at once', () => {
    expect(() => resolveServeConfig({ port: '70000', bodyLimit: 'lots', storeTimeout: '-1', db: 'mysql://x' }, {})).toThrow(
      /^serve options are invalid:\n {2}--port \/ PORT: .+\n {2}--body-limit \/ PIPELINE_METRICS_BODY_LIMIT: .+\n {2}--store-timeout: .+\n {2}--db: unsupported scheme/,
    );
  });
});
