-- pipeline-metrics: the critical path of a pipeline (collect computes it from GitLab's job
-- graph; see src/critical-path). Milliseconds, like `duration`. Zero / false / empty when the
-- payload carried no path.

-- per attempt: on the path, and its contribution: waiting before it was queued (for a need, a
-- stage, a retry), queueing for a runner, running
ALTER TABLE ci_finished_builds ADD COLUMN IF NOT EXISTS `on_critical_path` Bool DEFAULT false;
ALTER TABLE ci_finished_builds ADD COLUMN IF NOT EXISTS `critical_path_wait` Int64 DEFAULT 0;
ALTER TABLE ci_finished_builds ADD COLUMN IF NOT EXISTS `critical_path_queue` Int64 DEFAULT 0;
ALTER TABLE ci_finished_builds ADD COLUMN IF NOT EXISTS `critical_path_run` Int64 DEFAULT 0;

-- per pipeline: ms from creation to the end of the path, and the build ids on it in time order
ALTER TABLE ci_finished_pipelines ADD COLUMN IF NOT EXISTS `critical_path_duration` Int64 DEFAULT 0;
ALTER TABLE ci_finished_pipelines ADD COLUMN IF NOT EXISTS `critical_path_build_ids` Array(UInt64) DEFAULT [];

