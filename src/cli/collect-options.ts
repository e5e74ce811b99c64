import type { Command } from 'commander';
import { COLLECT_ENV, DEFAULT_COLLECT_CONCURRENCY, DEFAULT_COLLECT_TIMEOUT_S } from '../config/collect.js';
import { DEFAULT_CLASSIFY, LOG_SCOPES } from '../payload/options.js';
import { envHint } from './output.js';

/**
 * How a pipeline is read and classified (e2e and build jobs, log steps, GitLab request budget):
 * the options `collect` and `backfill` share, with the same env fallbacks.
 */
export function addClassifyOptions(command: Command): Command {
  const d = DEFAULT_CLASSIFY;
  return command
    .option('--e2e-stage <stage>', `stage of the e2e jobs (default: ${d.e2eStage})${envHint(COLLECT_ENV.e2eStage)}`)
    .option(
      '--e2e-exclude <names>',
      `e2e-stage jobs left out, space/comma separated (default: "${d.e2eExclude.join(' ')}")${envHint(COLLECT_ENV.e2eExclude)}`,
    )
    .option('--build-stage <stage>', `stage of the build jobs (default: ${d.buildStage})${envHint(COLLECT_ENV.buildStage)}`)
    .option(
      '--build-jobs <names>',
      `build jobs reported in builds/build (default: "${d.buildJobs.join(' ')}")${envHint(COLLECT_ENV.buildJobs)}`,
    )
    .option(
      '--steps <names>',
      `names of the bash \`time\` lines of e2e logs, in order: "up e2e" or "pull up e2e" (default: "${d.steps.join(' ')}")${envHint(COLLECT_ENV.steps)}`,
    )
    .option('--optimistic', `tolerate a step-count mismatch instead of failing${envHint(COLLECT_ENV.optimistic)}`)
    .option('--logs <scope>', `job logs read: ${LOG_SCOPES.join(' | ')} (default: ${d.logScope})${envHint(COLLECT_ENV.logs)}`)
    .option(
      '--timeout <seconds>',
      `budget of each GitLab request, retries and waits included (default: ${DEFAULT_COLLECT_TIMEOUT_S})${envHint(COLLECT_ENV.timeout)}`,
    )
    .option(
      '--concurrency <n>',
      `max GitLab requests in flight for one pipeline's job pages and logs, 1-32 (default: ${DEFAULT_COLLECT_CONCURRENCY})${envHint(COLLECT_ENV.concurrency)}`,
    );
}
