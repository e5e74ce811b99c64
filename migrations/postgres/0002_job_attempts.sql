-- Every attempt of every job in a pipeline (the payload's `attempts`), with its step timings
-- and GitLab log sections. Durations are float seconds; timestamps timestamptz.
-- None of these tables has a `created_at` that the seed queries could see: they join only
-- metrics_pipeline and metrics_build.

CREATE TABLE IF NOT EXISTS metrics_job_attempt (
  -- GitLab's job id (one per attempt)
  job_id             bigint PRIMARY KEY,
  pipeline_id        bigint NOT NULL REFERENCES metrics_pipeline (pipeline_id) ON DELETE CASCADE,
  name               text NOT NULL,
  stage              text NOT NULL,
  status             text NOT NULL,
  allow_failure      boolean NOT NULL,
  failure_reason     text,
  created_at         timestamptz NOT NULL,
  -- when the job entered the queue: started_at minus queued_duration
  queued_at          timestamptz,
  started_at         timestamptz,
  finished_at        timestamptz,
  duration           double precision,
  queued_duration    double precision,
  -- true when a later attempt of the same job replaced this one
  retried            boolean NOT NULL,
  -- runner columns are all NULL when the payload had no runner
  runner_id          bigint,
  runner_description text,
  runner_type        text,
  runner_tags        text[],
  web_url            text
);
CREATE INDEX IF NOT EXISTS metrics_job_attempt_pipeline_id_idx ON metrics_job_attempt (pipeline_id);
CREATE INDEX IF NOT EXISTS metrics_job_attempt_name_idx ON metrics_job_attempt (name, created_at);

-- bash `time` step timings matched to step names (the attempt's `steps`), seconds
CREATE TABLE IF NOT EXISTS metrics_job_step (
  job_id  bigint NOT NULL REFERENCES metrics_job_attempt (job_id) ON DELETE CASCADE,
  name    text NOT NULL,
  seconds double precision NOT NULL,
  PRIMARY KEY (job_id, name)
);

-- GitLab log sections `section_start`/`section_end` (the attempt's `sections`), seconds
CREATE TABLE IF NOT EXISTS metrics_job_section (
  job_id  bigint NOT NULL REFERENCES metrics_job_attempt (job_id) ON DELETE CASCADE,
  name    text NOT NULL,
  seconds double precision NOT NULL,
  PRIMARY KEY (job_id, name)
);
