import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { MissingDependencyError, UpstreamError } from '../../errors.js';
import { parseClickhouseSpec, type ClickhouseSpec, type EmbeddedSpec } from './spec.js';

/**
 * The one place that loads @clickhouse/client and chDB. This module is reached only through
 * dynamic imports of the store (never from start-up code), so `--help`, `collect` and
 * `query --sql` never pay for @clickhouse/client; chDB is imported on first embedded use.
 */
export interface ClickhouseHandle {
  readonly client: ClickHouseClient;
  readonly spec: ClickhouseSpec;
  /** for messages, without secrets */
  readonly description: string;
  close(): Promise<void>;
}

/**
 * Settings on every request. 64-bit integers arrive as JSON strings so ids and counts above
 * 2^53 are never rounded; results are converted back to numbers where that is exact.
 */
export const CLICKHOUSE_SETTINGS: ClickHouseSettings = {
  output_format_json_quote_64bit_integers: 1,
};

/**
 * Opens a client for a spec (see parseClickhouseSpec): HTTP(S) → @clickhouse/client over HTTP
 * with the URL's user/password/database; a directory → chDB in this process through
 * @clickhouse/client's `connection` option. chDB binds one data directory per process.
 */
export async function openClickhouseClient(spec: string | ClickhouseSpec | undefined): Promise<ClickhouseHandle> {
  const parsed = typeof spec === 'object' ? spec : parseClickhouseSpec(spec);
  const client =
    parsed.kind === 'server'
      ? createClient({
          url: parsed.url,
          ...(parsed.username !== undefined && { username: parsed.username }),
          ...(parsed.password !== undefined && { password: parsed.password }),
          ...(parsed.database !== undefined && { database: parsed.database }),
          clickhouse_settings: CLICKHOUSE_SETTINGS,
        })
      : createClient({ connection: await openChdbConnection(parsed), clickhouse_settings: CLICKHOUSE_SETTINGS });
  return { client, spec: parsed, description: parsed.description, close: () => client.close() };
}

type ChdbConnection = NonNullable<Parameters<typeof createClient>[0]>['connection'];

async function openChdbConnection(spec: EmbeddedSpec): Promise<ChdbConnection> {
  let module: typeof import('chdb/connection');
  try {
    module = await import('chdb/connection');
  } catch (cause) {
    throw new MissingDependencyError('chdb', `The embedded ClickHouse engine (${spec.path})`, '--clickhouse http://user:password@host:8123/db (or CLICKHOUSE_URL)', { cause });
  }
  await mkdir(spec.path, { recursive: true });
  try {
    return module.createChdbConnection({ path: spec.path }) as unknown as ChdbConnection;
  } catch (cause) {
    // chDB locks <dir>/status for the life of the process that opened it; its own error says only
    // "Failed to create connection" (the reason goes to stderr from native code)
    if (!existsSync(join(spec.path, 'status'))) throw cause;
    throw new UpstreamError(
      `the embedded ClickHouse at ${spec.path} is in use by another process (one process at a time may open it, ` +
        'e.g. a running `pipeline-metrics serve`): stop that process and try again, or send the data through the server (push --url)',
      { cause },
    );
  }
}
