import { insertAttempts, insertTimings, pipelineExtraNames, pipelineExtrasRecord } from './row-sql.js';

/**
 * One pipeline in one statement: the pipeline row is inserted with ON CONFLICT DO NOTHING, and
 * every child insert selects FROM that insert's RETURNING, so children are written only when the
 * pipeline row was. A single statement is atomic: all rows or none. A duplicate (also one racing
 * in another transaction, which waits for the first to commit) returns created = 0 and writes
 * nothing. Children travel as one jsonb array parameter per table; all values are `$n` parameters.
 * The column lists shared with the refresh statements are in row-sql.ts.
 */
export const SAVE_PIPELINE_SQL = `
WITH p AS (
  INSERT INTO metrics_pipeline (
    pipeline_id, project, project_id, created_at, duration, duration_e2e, is_master, has_restarts,
    ref, build, iid, source, status, sha, tag, default_branch, updated_at, started_at, finished_at,
    pipeline_duration, pipeline_queued_duration, web_url, collector_name, collector_version,
    ${pipelineExtraNames()}, critical_path_duration, critical_path_job_ids)
  SELECT
    $1::bigint, $2::text, $3::bigint, $4::timestamptz, $5::float8, $6::float8, $7::boolean, $8::boolean,
    $9::text, $10::float8, $11::bigint, $12::text, $13::text, $14::text, $15::boolean, $16::text,
    $17::timestamptz, $18::timestamptz, $19::timestamptz,
    $20::float8, $21::float8, $22::text, $23::text, $24::text,
    ${pipelineExtraNames('e.')}, $32::float8, $33::bigint[]
  FROM ${pipelineExtrasRecord(31)}
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
  ${insertAttempts('p.pipeline_id', 28, 'p CROSS JOIN ')}
), steps AS (
  ${insertTimings('metrics_job_step', 29, 'p CROSS JOIN ')}
), sections AS (
  ${insertTimings('metrics_job_section', 30, 'p CROSS JOIN ')}
)
SELECT count(*)::int AS created FROM p`;
