import type { ClickhouseHandle } from './client.js';
import { wrapClickhouseError } from './errors.js';
import { BUILDS_TABLE, PIPELINES_TABLE, REFRESHES_TABLE, SECTIONS_TABLE } from './tables.js';

/** parts merged at once at the least (see merge width in EMBEDDED_SETTINGS) */
export const EMBEDDED_MERGE_WIDTH = 20;

/**
 * MergeTree settings of an embedded (chDB) store's tables, for the process that writes it:
 * - durability: fsync the new part's files and its directory before an insert returns.
 *   ClickHouse's default is not to (a server relies on replication); an embedded directory has no
 *   replica, and "created" must mean on disk.
 * - merge width: merge at least 20 parts at once. Each batch of saves is one part per table; with
 *   the default selector (about 5 parts a merge) every row is rewritten by merges about once per
 *   5× growth, and those merges ran in the serving process, using about as much CPU as the
 *   inserts themselves (bench/clickhouse-save.bench.ts). Wider merges rewrite a row less often,
 *   for more active parts between merges (up to about 20 per table, reported by
 *   bench/serve.bench.ts; far below the hundreds at which ClickHouse slows inserts down). Measured
 *   in serve's bench: merge CPU per request 0.62 ms at 10, 0.27–0.32 ms at 20. A ClickHouse
 *   server is left as its operator set it: there, asynchronous inserts already make fewer parts.
 */
const EMBEDDED_SETTINGS = ['fsync_after_insert = 1', 'fsync_part_directory = 1', `min_parts_to_merge_at_once = ${EMBEDDED_MERGE_WIDTH}`];

const TABLES = [PIPELINES_TABLE, BUILDS_TABLE, SECTIONS_TABLE, REFRESHES_TABLE];

/**
 * Sets EMBEDDED_SETTINGS on the store's tables where they are missing (once per directory: the
 * settings are kept in the table's metadata). For embedded writers only; a read-only process
 * changes nothing.
 */
export async function ensureEmbeddedTableSettings(handle: ClickhouseHandle): Promise<void> {
  try {
    const result = await handle.client.query({
      query: 'SELECT name, create_table_query FROM system.tables WHERE database = currentDatabase() AND name IN {tables:Array(String)}',
      query_params: { tables: TABLES },
      format: 'JSONEachRow',
    });
    const rows = await result.json<{ name: string; create_table_query: string }>();
    for (const { name, create_table_query: ddl } of rows) {
      if (EMBEDDED_SETTINGS.every((setting) => ddl.includes(setting))) continue;
      // `name` is one of TABLES (a fixed catalog), never user text
      await handle.client.command({ query: `ALTER TABLE ${name} MODIFY SETTING ${EMBEDDED_SETTINGS.join(', ')}` });
    }
  } catch (error) {
    throw wrapClickhouseError(error, 'setting the embedded tables up (fsync and merge settings)', handle.description);
  }
}
