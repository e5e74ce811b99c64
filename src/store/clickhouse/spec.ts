import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';

/** Where the embedded engine keeps its data when no `--clickhouse` / CLICKHOUSE_URL is given. */
export const DEFAULT_CHDB_DIR = '.pipeline-metrics/clickhouse';

/** A ClickHouse server reached over HTTP(S). */
export interface ServerSpec {
  kind: 'server';
  /** origin only, e.g. `https://ch.example.com:8443` (no credentials, no path) */
  url: string;
  username?: string;
  password?: string;
  /** from the URL path (`/analytics`); undefined = the server's default database */
  database?: string;
  /** for messages: the URL without its password */
  description: string;
}

/** The embedded engine (chDB) bound to a data directory. */
export interface EmbeddedSpec {
  kind: 'embedded';
  /** absolute path of the data directory */
  path: string;
  description: string;
}

export type ClickhouseSpec = ServerSpec | EmbeddedSpec;
/**
 * A cluster name as `remote_servers` defines it. It is spliced into DDL (ClickHouse cannot bind
 * identifiers as parameters), so only these characters pass, and it is quoted with backticks.
 */
const CLUSTER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;

/** Null when `name` is a usable cluster name, else why not. */
export function clusterNameProblem(name: string): string | null {
  return CLUSTER_NAME.test(name)
    ? null
    : `must be a ClickHouse cluster name (letters, digits, _ . -; starting with a letter or _; at most 128), got ${JSON.stringify(name)}`;
}

/**
 * `http(s)://[user[:password]@]host[:port][/database]` → a server; anything else is a directory
 * for chDB (relative paths resolve against `cwd`); empty → {@link DEFAULT_CHDB_DIR}.
 */
export function parseClickhouseSpec(spec: string | undefined, cwd = '.'): ClickhouseSpec {
  const raw = spec?.trim() ?? '';
  if (/^https?:\/\//i.test(raw)) return parseServerUrl(raw);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    throw new UsageError(
      `--clickhouse: unsupported URL scheme in "${raw.replace(/\/\/[^@/]*@/, '//***@')}"; ` +
        'use an http:// or https:// URL of a ClickHouse server, or a directory for the embedded engine',
    );
  }
  const path = resolve(cwd, raw === '' ? DEFAULT_CHDB_DIR : raw);
  return { kind: 'embedded', path, description: `embedded ClickHouse (chDB) at ${path}` };
}

function parseServerUrl(raw: string): ServerSpec {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw new UsageError(`--clickhouse: "${raw.replace(/\/\/[^@/]*@/, '//***@')}" is not a valid URL`, { cause });
  }
  const database = decodeURIComponent(url.pathname.replace(/^\/+|\/+$/g, '')) || undefined;
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  const shown = `${url.protocol}//${username ? `${username}@` : ''}${url.host}${database ? `/${database}` : ''}`;
  return {
    kind: 'server',
    url: url.origin,
    ...(username !== undefined && { username }),
    ...(password !== undefined && { password }),
    ...(database !== undefined && { database }),
    description: `ClickHouse server ${shown}`,
  };
}
