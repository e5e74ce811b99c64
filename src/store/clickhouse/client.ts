import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
// static: a dynamic import() of this CommonJS package gets no named exports from a split chunk
import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { EXIT, MissingDependencyError, UpstreamError } from '../../errors.js';
import { packageRoot } from '../../migrate/discover.js';
import { acquireDirectoryLock, type DirectoryLock } from '../directory-lock.js';
import { detachStdinForChdb } from './detach-stdin.js';
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

export interface OpenClickhouseClientOptions {
  /** embedded only: how long to wait for another process to release the directory, ms (default 30 000) */
  lockWaitMs?: number;
  /**
   * Embedded only: this process only reads the directory (`query`, `report`). When the open
   * starts the engine, it starts with engine/chdb-read-only.xml, so no merge is scheduled while
   * the tables load (see there). An engine already running on the directory in this process
   * (a writer opened it first) keeps its own configuration. Never for a process that writes.
   */
  readOnly?: boolean;
}

/**
 * Opens a client for a spec (see parseClickhouseSpec): HTTP(S) → @clickhouse/client over HTTP
 * with the URL's user/password/database; a directory → chDB in this process through
 * @clickhouse/client's `connection` option. chDB binds one data directory per process; the
 * directory lock (see directory-lock) is held from before chDB opens until after it closes.
 */
export async function openClickhouseClient(
  spec: string | ClickhouseSpec | undefined,
  options: OpenClickhouseClientOptions = {},
): Promise<ClickhouseHandle> {
  const parsed = typeof spec === 'object' ? spec : parseClickhouseSpec(spec);
  if (parsed.kind === 'server') {
    const client = createClient({
      url: parsed.url,
      ...(parsed.username !== undefined && { username: parsed.username }),
      ...(parsed.password !== undefined && { password: parsed.password }),
      ...(parsed.database !== undefined && { database: parsed.database }),
      clickhouse_settings: CLICKHOUSE_SETTINGS,
    });
    return { client, spec: parsed, description: parsed.description, close: () => client.close() };
  }
  const lock = await acquireDirectoryLock(parsed.path, { waitMs: options.lockWaitMs, sharedInProcess: true });
  const { client, engine } = await openLocked(parsed, lock, options.readOnly ?? false);
  const close = async () => {
    try {
      await client.close();
    } finally {
      engine?.close();
      await lock.release();
    }
  };
  return { client, spec: parsed, description: parsed.description, close };
}

interface EmbeddedClient {
  client: ClickHouseClient;
  /** the session that started the engine with the read-only configuration, closed after the client */
  engine?: { close(): void };
}

async function openLocked(spec: EmbeddedSpec, lock: DirectoryLock, readOnly: boolean): Promise<EmbeddedClient> {
  let engine: EmbeddedClient['engine'];
  try {
    const chdb = await importChdb(spec);
    await mkdir(spec.path, { recursive: true });
    detachStdinForChdb();
    // chDB runs one engine per directory per process, shared by every connection to it, and
    // configured by the connection that starts it: this session's arguments, when it is the first
    if (readOnly) engine = new chdb.Session(spec.path, { connectionArgs: [`--config-file=${READ_ONLY_CONFIG}`] });
    const connection = chdb.createChdbConnection({ path: spec.path }) as unknown as ChdbConnection;
    return { client: createClient({ connection, clickhouse_settings: CLICKHOUSE_SETTINGS }), ...(engine && { engine }) };
  } catch (error) {
    engine?.close();
    await lock.release();
    throw chdbBusy(error, spec.path) ?? error;
  }
}

/**
 * chDB's own lock (its `status` file) held by a process that did not take ours (an older
 * version, another chDB program): "in use", exit 4, instead of a driver error and a stack trace.
 */
function chdbBusy(error: unknown, path: string): UpstreamError | undefined {
  const message = error instanceof Error ? error.message : String(error);
  if (!/Failed to create connection|Cannot lock file/i.test(message)) return undefined;
  const advice =
    'one process at a time may open it, e.g. a running `pipeline-metrics serve`: stop that process and try again, ' +
    'or send the data through the server (push --url)';
  return new UpstreamError(`directory ${path} is in use by another process (chDB: ${message.split('\n', 1)[0]}); ${advice}`, {
    cause: error,
    exitCode: EXIT.unreachable,
  });
}

type ChdbConnection = NonNullable<Parameters<typeof createClient>[0]>['connection'];

/** engine/chdb-read-only.xml of the installed package (see OpenClickhouseClientOptions.readOnly) */
export const READ_ONLY_CONFIG = join(packageRoot(), 'engine', 'chdb-read-only.xml');

/** chDB's connection factory and its Session (one module instance: chdb's ESM entry re-exports the CommonJS one). */
async function importChdb(spec: EmbeddedSpec): Promise<{
  createChdbConnection: (typeof import('chdb/connection'))['createChdbConnection'];
  Session: (typeof import('chdb'))['Session'];
}> {
  try {
    const [connection, chdb] = await Promise.all([import('chdb/connection'), import('chdb')]);
    return { createChdbConnection: connection.createChdbConnection, Session: chdb.Session };
  } catch (cause) {
    throw new MissingDependencyError(
      'chdb',
      `The embedded ClickHouse engine (${spec.path})`,
      '--clickhouse http://user:password@host:8123/db (or CLICKHOUSE_URL)',
      { cause },
    );
  }
}
