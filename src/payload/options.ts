/**
 * How `collect` classifies jobs, with the original client's defaults.
 * Job and stage names are matched exactly (case-sensitive), as GitLab names them.
 */
export const LOG_SCOPES = ['e2e', 'all', 'none'] as const;
export type LogScope = (typeof LOG_SCOPES)[number];

export interface ClassifyOptions {
  /** stage whose jobs are the e2e jobs */
  e2eStage: string;
  /** e2e-stage jobs left out of `jobs`, `duration_e2e` and `jobs_failed` */
  e2eExclude: string[];
  /** stage of the build jobs */
  buildStage: string;
  /** build jobs reported in `builds` / `build` */
  buildJobs: string[];
  /** names given, in order, to the bash `time` lines (`real\t1m2.345s`) of an e2e job log */
  steps: string[];
  /** when false, a step-count mismatch is an error naming the job */
  optimistic: boolean;
  /** which job logs are fetched: latest attempts of e2e jobs (default), every attempt, or none */
  logScope: LogScope;
  /** id of the job running the collector (CI_JOB_ID): never counted */
  selfJobId?: number;
}

export const DEFAULT_CLASSIFY: ClassifyOptions = {
  e2eStage: 'test',
  e2eExclude: ['coverage', 'e2e-lint', 'e2e:lint', 'unit'],
  buildStage: 'build',
  buildJobs: ['build-e2e'],
  steps: ['up', 'e2e'],
  optimistic: false,
  logScope: 'e2e',
};
