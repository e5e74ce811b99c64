import type { ClickhouseHandle } from './client.js';
import { wrapClickhouseError } from './errors.js';
import { BUILDS_TABLE, PIPELINES_TABLE, SECTIONS_TABLE } from './tables.js';

/**
 * MergeTree settings that make an insert durable before it returns: fsync the new part's files
 * and its directory. ClickHouse's default is not to (a server relies on replication); an
 * embedded (chDB) directory has no replica, and "created" must mean on disk.
 */
const DURABLE_SETTINGS = ['fsync_after_insert = 1', 'fsync_part_directory = 1'];

const TABLES = [PIPELINES_TABLE, BUILDS_TABLE, SECTIONS_TABLE];

/**
 * Sets DURABLE_SETTINGS on the store's tables where they are missing (once per directory: the
 * settings are kept in the table's metadata). For embedded writers only; a read-only process
 * changes nothing.
 */
export async function ensureDurableParts(handle: ClickhouseHandle): Promise<void> {
  try {
    const result = await handle.client.query({
      query: 'SELECT name, create_table_query FROM system.tables WHERE database = currentDatabase() AND name IN {tables:Array(String)}',
      query_params: { tables: TABLES },
      format: 'JSONEachRow',
    });
    const rows = await result.json<{ name: string; create_table_query: string }>();
    for (const { name, create_table_query: ddl } of rows) {
      if (DURABLE_SETTINGS.every((setting) => ddl.includes(setting))) continue;
      // `name` is one of TABLES (a fixed catalog), never user text
      await handle.client.command({ query: `ALTER TABLE ${name} MODIFY SETTING ${DURABLE_SETTINGS.join(', ')}` });
    }
  } catch (error) {
    throw wrapClickhouseError(error, 'making inserts durable (fsync settings)', handle.description);
  }
}
