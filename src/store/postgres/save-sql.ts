/**
 * One pipeline in one statement: the pipeline row is inserted with ON CONFLICT DO NOTHING, and
 * every child insert selects FROM that insert's RETURNING, so children are written only when the
 * pipeline row was. A single statement is atomic: all rows or none. A duplicate (also one racing
 * in another transaction, which waits for the first to commit) returns created = 0 and writes
 * nothing. Children travel as one jsonb array parameter per table; all values are `$n` parameters.
 */
export const SAVE_PIPELINE_SQL = `
WITH p AS (
  INSERT INTO metrics_pipeline (
    pipeline_id, project, project_id, created_at, duration, duration_e2e, is_master, has_restarts,
    ref, build, iid, source, status, sha, tag, default_branch, updated_at, started_at, finished_at,
    pipeline_duration, pipeline_queued_duration, web_url, collector_name, collector_version,
    name, yaml_errors, coverage, parent_pipeline_id, parent_bridge_id, root_pipeline_id,
    hierarchy_duration, test_total_time, test_total_count, test_success_count, test_failed_count,
    test_skipped_count, test_error_count)
  SELECT
    $1::bigint, $2::text, $3::bigint, $4::timestamptz, $5::float8, $6::float8, $7::boolean, $8::boolean,
    $9::text, $10::float8, $11::bigint, $12::text, $13::text, $14::text, $15::boolean, $16::text,
    $17::timestamptz, $18::timestamptz, $19::timestamptz,
    $20::float8, $21::float8, $22::text, $23::text, $24::text,
    e.name, e.yaml_errors, e.coverage, e.parent_pipeline_id, e.parent_bridge_id, e.root_pipeline_id,
    e.hierarchy_duration, e.test_total_time, e.test_total_count, e.test_success_count,
    e.test_failed_count, e.test_skipped_count, e.test_error_count
  FROM jsonb_to_record($31::jsonb) AS e(name text, yaml_errors text, coverage float8,
    parent_pipeline_id bigint, parent_bridge_id bigint, root_pipeline_id bigint,
    hierarchy_duration float8, test_total_time float8, test_total_count bigint,
    test_success_count bigint, test_failed_count bigint, test_skipped_count bigint,
    test_error_count bigint)
  ON CONFLICT (pipeline_id) DO NOTHING
  RETURNING pipeline_id
), builds AS (
  INSERT INTO metrics_build (pipeline_id, name, duration)
  SELECT p.pipeline_id, x.name, x.duration
  FROM p CROSS JOIN jsonb_to_recordset($25::jsonb) AS x(name text, duration float8)
), jobs AS (
  INSERT INTO metrics_job (pipeline_id, name, started_at, finished_at, duration,
    duration_up, duration_e2e, duration_pull, duration_up_without_pull, steps)
  SELECT p.pipeline_id, x.name, x.started_at, x.finished_at, x.duration,
    x.up, x.e2e, x.pull, x.up_without_pull, x.steps
  FROM p CROSS JOIN jsonb_to_recordset($26::jsonb) AS x(name text, started_at timestamptz,
    finished_at timestamptz, duration float8, up float8, e2e float8, pull float8,
    up_without_pull float8, steps jsonb)
), failed AS (
  INSERT INTO metrics_job_failed (pipeline_id, name, duration)
  SELECT p.pipeline_id, x.name, x.duration
  FROM p CROSS JOIN jsonb_to_recordset($27::jsonb) AS x(name text, duration float8)
), attempts AS (
  INSERT INTO metrics_job_attempt (job_id, pipeline_id, name, stage, status, allow_failure,
    failure_reason, created_at, queued_at, started_at, finished_at, duration, queued_duration,
    retried, runner_id, runner_description, runner_type, runner_tags, web_url,
    kind, attempt, flaky, log_status, erased_at, coverage, downstream_pipeline_id,
    downstream_project_id, runner_manager_system_xid, runner_manager_version,
    runner_manager_revision, runner_manager_platform, runner_manager_architecture)
  SELECT x.job_id, p.pipeline_id, x.name, x.stage, x.status, x.allow_failure,
    x.failure_reason, x.created_at, x.queued_at, x.started_at, x.finished_at, x.duration,
    x.queued_duration, x.retried, x.runner_id, x.runner_description, x.runner_type,
    x.runner_tags, x.web_url, x.kind, x.attempt, x.flaky, x.log_status, x.erased_at, x.coverage,
    x.downstream_pipeline_id, x.downstream_project_id, x.runner_manager_system_xid,
    x.runner_manager_version, x.runner_manager_revision, x.runner_manager_platform,
    x.runner_manager_architecture
  FROM p CROSS JOIN jsonb_to_recordset($28::jsonb) AS x(job_id bigint, name text, stage text,
    status text, allow_failure boolean, failure_reason text, created_at timestamptz,
    queued_at timestamptz, started_at timestamptz, finished_at timestamptz, duration float8,
    queued_duration float8, retried boolean, runner_id bigint, runner_description text,
    runner_type text, runner_tags text[], web_url text, kind text, attempt integer, flaky boolean,
    log_status text, erased_at timestamptz, coverage float8, downstream_pipeline_id bigint,
    downstream_project_id bigint, runner_manager_system_xid text, runner_manager_version text,
    runner_manager_revision text, runner_manager_platform text, runner_manager_architecture text)
), steps AS (
  INSERT INTO metrics_job_step (job_id, name, seconds)
  SELECT x.job_id, x.name, x.seconds
  FROM p CROSS JOIN jsonb_to_recordset($29::jsonb) AS x(job_id bigint, name text, seconds float8)
), sections AS (
  INSERT INTO metrics_job_section (job_id, name, seconds)
  SELECT x.job_id, x.name, x.seconds
  FROM p CROSS JOIN jsonb_to_recordset($30::jsonb) AS x(job_id bigint, name text, seconds float8)
)
SELECT count(*)::int AS created FROM p`;
