/**
 * The input of the critical-path computation: one pipeline's job attempts with their real
 * times (epoch ms) and, per job, what it waited for. Built from the payload's attempts (times,
 * from REST) and GitLab's GraphQL job graph (needs, stages); see from-payload.ts.
 */
export interface GraphAttempt {
  /** GitLab job id of this attempt */
  id: number;
  name: string;
  stage: string;
  status: string;
  /** epoch ms; when the attempt was created (a retry is created when the previous one ends) */
  createdMs: number;
  /** epoch ms; when it entered the queue (started − queued_duration); null when unknown */
  queuedMs: number | null;
  startedMs: number | null;
  finishedMs: number | null;
  /**
   * Job names this job waited for: its `needs` for a DAG job (`schedulingType: dag`), the jobs
   * of the previous stage otherwise (`previousStageJobs`). Empty: it could start at once.
   */
  dependsOn: readonly string[];
  /** set on a bridge whose finish waited for its child pipeline (trigger `strategy: depend`) */
  downstream?: PipelineGraph;
}

export interface PipelineGraph {
  pipelineId: number;
  /** epoch ms; the pipeline's created_at: where the first step's waiting starts */
  createdMs: number;
  attempts: readonly GraphAttempt[];
}

/**
 * One attempt on the critical path and its contribution, ms. The step's segment runs from the
 * end of the previous step (or the pipeline's creation) to this attempt's finish and is split
 * into `waitMs` (blocked: waiting for a need, a stage, a retry or a child pipeline to be
 * created), `queueMs` (pending: waiting for a runner) and `runMs` (running). For a bridge,
 * `runMs` is the time between its child pipeline's finish and the bridge's.
 */
export interface PathStep {
  attemptId: number;
  pipelineId: number;
  name: string;
  stage: string;
  /** epoch ms */
  segmentStartMs: number;
  /** epoch ms */
  finishedMs: number;
  waitMs: number;
  queueMs: number;
  runMs: number;
}

export interface CriticalPath {
  pipelineId: number;
  /** ms from the pipeline's creation to the finish of the last step */
  totalMs: number;
  /** in time order; child pipeline steps follow their bridge's step */
  steps: PathStep[];
}
