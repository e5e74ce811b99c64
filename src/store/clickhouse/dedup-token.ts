import { createHash } from 'node:crypto';
import type { Row } from './rows.js';

/**
 * The insert_deduplication_token of one insert: `pm1-<table>-<sha256 of the rows>`, hex only.
 * The same rows into the same table always give the same token, so a retried or raced insert of
 * them is dropped by the engine (migration 0003 enables the deduplication window). A write that
 * must land although identical rows were inserted before — the refresh path after deleting a
 * pipeline's rows — passes a `salt` (e.g. a fresh version) so its token is new.
 * The token is spliced into the INSERT's SETTINGS clause: it is built only from hex digits,
 * `pm1-`, and a table name from the store's fixed list, never from a user value.
 */
export function dedupToken(table: string, rows: readonly Row[], salt = ''): string {
  const hash = createHash('sha256');
  hash.update(salt);
  for (const row of rows) hash.update(JSON.stringify(row)).update('\n');
  return `pm1-${table}-${hash.digest('hex')}`;
}
