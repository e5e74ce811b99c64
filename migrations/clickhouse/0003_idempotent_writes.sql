-- Idempotent writes, so reads need no FINAL (issue 10).
--
-- Every insert of pipeline-metrics carries an insert_deduplication_token derived from the rows it
-- writes (src/store/clickhouse/dedup-token.ts). With a deduplication window on these
-- non-replicated tables, an insert repeated with the same token — a retried write, or two writers
-- racing on the same payload — is dropped by the engine instead of adding rows. The window
-- counts inserts (blocks) per table; a retry more than 10,000 inserts later is still caught by
-- the store's existence checks (a pipeline's rows of one table are written by one insert).
ALTER TABLE ci_finished_builds MODIFY SETTING non_replicated_deduplication_window = 10000;
ALTER TABLE ci_finished_pipelines MODIFY SETTING non_replicated_deduplication_window = 10000;
ALTER TABLE ci_finished_build_sections MODIFY SETTING non_replicated_deduplication_window = 10000;

-- GitLab's aggregate projection is dropped: it is keyed by (project_id, pipeline_id, name,
-- stage_name), which leaves about one projection row per build (a pipeline runs each job name
-- once or a few times), so it cannot make a query cheaper; and with
-- deduplicate_merge_projection_mode = 'rebuild' every merge of a ReplacingMergeTree part
-- recomputed it (quantile states included), which is the background work that slowed `query`
-- and made closing the embedded engine wait for it. It also forbade lightweight DELETE, which
-- the refresh path (replacePipeline) uses.
ALTER TABLE ci_finished_builds DROP PROJECTION IF EXISTS build_stats_by_project_pipeline_name_stage_name;

-- The store's existence checks look rows up by pipeline_id, which is not in these tables'
-- sort keys; pipeline ids grow with time, as finished_at (a sort key column) does, so a minmax
-- index lets a check skip almost every granule. Parts written before this migration have no
-- index until merged; the check still answers correctly, only slower.
ALTER TABLE ci_finished_builds ADD INDEX IF NOT EXISTS pipeline_id_minmax pipeline_id TYPE minmax GRANULARITY 1;
ALTER TABLE ci_finished_build_sections ADD INDEX IF NOT EXISTS pipeline_id_minmax pipeline_id TYPE minmax GRANULARITY 1;
