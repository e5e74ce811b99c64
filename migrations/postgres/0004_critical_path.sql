-- The critical path of a pipeline (collect computes it from GitLab's job graph; see
-- src/critical-path). All columns are NULL when the payload carried no path (no GraphQL access,
-- or an original client).

-- per attempt: on the path or not, and its contribution, seconds: waiting before it was queued
-- (for a need, a stage, a retry), queueing for a runner, running
ALTER TABLE metrics_job_attempt ADD COLUMN IF NOT EXISTS on_critical_path boolean;
ALTER TABLE metrics_job_attempt ADD COLUMN IF NOT EXISTS critical_path_wait double precision;
ALTER TABLE metrics_job_attempt ADD COLUMN IF NOT EXISTS critical_path_queue double precision;
ALTER TABLE metrics_job_attempt ADD COLUMN IF NOT EXISTS critical_path_run double precision;

-- per pipeline: seconds from creation to the end of the path, and the attempts on it in time order
ALTER TABLE metrics_pipeline ADD COLUMN IF NOT EXISTS critical_path_duration double precision;
ALTER TABLE metrics_pipeline ADD COLUMN IF NOT EXISTS critical_path_job_ids bigint[];
