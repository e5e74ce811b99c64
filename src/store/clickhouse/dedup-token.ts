import { createHash } from 'node:crypto';
import type { Row } from './rows.js';

/**
 * The insert_deduplication_token of one insert: `pm1-<table>-<sha256 of salt + the rows'
 * JSONEachRow text>` (see jsonEachRow), hex only. The same rows into the same table always give
 * the same token, so a retried or raced insert of them is dropped by the engine (migration 0003
 * enables the deduplication window). A write that must land although identical rows were
 * inserted before — the refresh path after deleting a pipeline's rows — passes a `salt` (e.g. a
 * fresh version) so its token is new. The writer hashes the very text it inserts, serialized once.
 * The token is spliced into the INSERT's SETTINGS clause: it is built only from hex digits,
 * `pm1-`, and a table name from the store's fixed list, never from a user value.
 */
export function dedupTokenOfText(table: string, text: string, salt = ''): string {
  return `pm1-${table}-${createHash('sha256').update(salt).update(text).digest('hex')}`;
}

/** JSONEachRow text: each row's JSON followed by a newline, as @clickhouse/client encodes it. */
export function jsonEachRow(rows: readonly Row[]): string {
  let text = '';
  for (const row of rows) text += `${JSON.stringify(row)}\n`;
  return text;
}
