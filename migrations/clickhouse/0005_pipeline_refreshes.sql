-- One row per refresh of a stored pipeline (the refresh path deletes its rows, then writes the
-- new ones), written before its first delete.
--
-- Why: every save carries an insert_deduplication_token derived from the rows it writes (0003),
-- and the deduplication log outlives a DELETE. A refresh that failed after deleting left the
-- pipeline absent or half-written; a later save of the same rows then carried the same tokens as
-- the save before the refresh, and the engine dropped its inserts as repeats while the store
-- answered "created". The store's existence check now also counts a pipeline's refreshes and
-- salts the tokens of its inserts with that count (src/store/clickhouse/write-rows.ts): equal for
-- two writers racing on the same state, new after each refresh. A pipeline never refreshed keeps
-- the tokens it always had.
CREATE TABLE IF NOT EXISTS ci_pipeline_refreshes
(
    `pipeline_id` UInt64,
    `generation` String,
    `refreshed_at` DateTime64(6, 'UTC') DEFAULT now64(6, 'UTC')
)
ENGINE = MergeTree
ORDER BY (pipeline_id, generation)
SETTINGS non_replicated_deduplication_window = 10000;
