import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { addDeliveryOptions, deliveryFlags } from '../../src/cli/push.js';
import { resolveDeliveryTargets } from '../../src/config/push.js';
import { UsageError } from '../../src/errors.js';

const EMBEDDED = resolve('.pipeline-metrics/postgres');

describe('resolveDeliveryTargets', () => {
  it('no flag and no env: the embedded Postgres default', () => {
    expect(resolveDeliveryTargets({}, {})).toEqual({
      url: undefined,
      token: undefined,
      postgres: EMBEDDED,
      clickhouse: undefined,
      totalMs: 30_000,
      saveOnFailure: undefined,
      defaulted: true,
    });
  });

  it('accepts a base URL or one already ending in /save_metrics', () => {
    expect(resolveDeliveryTargets({ url: 'https://m.example' }, {}).url).toBe('https://m.example/save_metrics');
    expect(resolveDeliveryTargets({ url: 'https://m.example/api/' }, {}).url).toBe('https://m.example/api/save_metrics');
    expect(resolveDeliveryTargets({ url: 'http://m:8080/save_metrics/' }, {}).url).toBe('http://m:8080/save_metrics');
  });

  it('without target flags the env chooses; with one, only the flags do', () => {
    const env = { PIPELINE_METRICS_URL: 'http://m', DATABASE_URL: 'postgres://u:p@db/x', PIPELINE_METRICS_TOKEN: 'tok' };
    expect(resolveDeliveryTargets({}, env)).toMatchObject({
      url: 'http://m/save_metrics',
      postgres: 'postgres://u:p@db/x',
      token: 'tok',
      defaulted: false,
    });
    expect(resolveDeliveryTargets({ url: 'http://other' }, env)).toMatchObject({ url: 'http://other/save_metrics', postgres: undefined });
    expect(resolveDeliveryTargets({ db: true }, env)).toMatchObject({ url: undefined, postgres: 'postgres://u:p@db/x' });
    expect(resolveDeliveryTargets({ clickhouse: true }, {})).toMatchObject({
      clickhouse: '.pipeline-metrics/clickhouse',
      postgres: undefined,
    });
    expect(resolveDeliveryTargets({ token: 'flag' }, env).token).toBe('flag');
  });

  it('--timeout is seconds; every problem is listed at once', () => {
    expect(resolveDeliveryTargets({ url: 'http://m', timeout: '2.5' }, {}).totalMs).toBe(2_500);
    let error: unknown;
    try {
      resolveDeliveryTargets({ url: 'not a url', timeout: '0', db: 'mysql://x/y' }, {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    const lines = (error as Error).message.split('\n').map((l) => l.trim());
    expect(lines[0]).toBe('delivery options are invalid:');
    expect(lines.slice(1).map((l) => l.split(':')[0])).toEqual(['--url / PIPELINE_METRICS_URL', '--db', '--timeout']);
  });
});

describe('addDeliveryOptions / deliveryFlags', () => {
  it("with prefix 'push-' (collect --push) the delivery flags do not clash with collect's --token/--timeout", () => {
    const command = new Command('collect').exitOverride().option('--token <token>').option('--timeout <s>').option('--push');
    addDeliveryOptions(command, { prefix: 'push-' });
    command.parse(['--push', '--push-url', 'http://m', '--push-token', 'pt', '--token', 'gitlab', '--push-timeout', '5', '--db'], {
      from: 'user',
    });
    expect(deliveryFlags(command.opts(), { prefix: 'push-' })).toEqual({
      url: 'http://m',
      token: 'pt',
      timeout: '5',
      db: true,
      clickhouse: undefined,
      saveOnFailure: undefined,
    });
    expect(command.opts().token).toBe('gitlab');
  });

  it('without prefix (push)', () => {
    const command = addDeliveryOptions(new Command('push').exitOverride());
    command.parse(['--url', 'http://m', '--token', 't', '--clickhouse', 'dir', '--save-on-failure', 'f.json'], { from: 'user' });
    expect(deliveryFlags(command.opts())).toEqual({
      url: 'http://m',
      token: 't',
      timeout: undefined,
      db: undefined,
      clickhouse: 'dir',
      saveOnFailure: 'f.json',
    });
  });
});
