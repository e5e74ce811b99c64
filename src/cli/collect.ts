import type { Command } from 'commander';
import type { CollectResult } from '../commands/collect.js';
import type { RetryNotice } from '../retry/backoff.js';
import { withSpinner } from './spinner.js';
import { addClassifyOptions } from './collect-options.js';
import { COLLECT_ENV, DEFAULT_DOWNSTREAM, loadCollectConfig, type CollectConfig, type CollectFlags } from '../config/collect.js';
import { readEnv } from '../config/env.js';
import { resolveDeliveryTargets } from '../config/push.js';
import { deliverPayloads } from '../commands/push.js';
import { emit, envHint, retryLine, type CliIO } from './output.js';
import { addDeliveryOptions, deliveryFlags, embeddedDefaultNote, reportDeliveries } from './push.js';

/** `collect`: one pipeline → payload JSON on stdout (or --output); diagnostics on stderr. */
export function registerCollect(program: Command, io: CliIO): Command {
  const command = program
    .command('collect')
    .summary('read a GitLab pipeline and print (or --push) its metrics payload')
    .description(
      'Read a GitLab pipeline (every job attempt, bridges, test report summary, e2e job logs) and its downstream pipelines, ' +
        'and print the metrics payload as JSON (an array, root first, when downstream pipelines were read), or deliver each with --push.',
    )
    .option('--gitlab-url <url>', `GitLab URL or API root (/api/v4 is appended when missing)${envHint('CI_API_V4_URL', 'CI_SERVER_URL')}`)
    .option(
      '--token <token>',
      `GitLab token with read_api; CI_JOB_TOKEN is tried last${envHint('GITLAB_TOKEN', 'PRIVATE_TOKEN', 'CI_JOB_TOKEN')}`,
    )
    .option('--project <id|path>', `project id or group/sub/project path${envHint('CI_PROJECT_ID', 'CI_PROJECT_PATH')}`)
    .option('--pipeline <id>', `pipeline id${envHint('CI_PIPELINE_ID')}`)
    .option('--default-branch <name>', `the project's default branch; asked from GitLab when unknown${envHint('CI_DEFAULT_BRANCH')}`)
    .option('--job-id <id>', `the collector's own job, never counted${envHint('CI_JOB_ID')}`)
    .option('--downstream', 'also collect the pipelines its trigger jobs started: child and multi-project pipelines (default)')
    .option('--no-downstream', `collect only this pipeline${envHint(COLLECT_ENV.downstream)}`)
    .option(
      '--downstream-depth <n>',
      `levels of downstream pipelines followed, 1-5 (default: ${DEFAULT_DOWNSTREAM.maxDepth})${envHint(COLLECT_ENV.downstreamDepth)}`,
    )
    .option(
      '--downstream-max <n>',
      `downstream pipelines collected at most, 0-200 (default: ${DEFAULT_DOWNSTREAM.maxPipelines})${envHint(COLLECT_ENV.downstreamMax)}`,
    )
    .option(
      '--output <file>',
      'write the payload to FILE instead of stdout (a JSON array, root first, when downstream pipelines were collected)',
    )
    .option('--config <file>', `JSON or YAML file with the same settings in camelCase; flags and env win${envHint(COLLECT_ENV.config)}`)
    .option('--push', 'deliver the payload (as `push` does) instead of printing it; --output still writes it to a file');
  addClassifyOptions(command);
  addDeliveryOptions(command, { prefix: 'push-' });
  return command.action(async (flags: CollectFlags & Record<string, unknown>) => {
    const env = readEnv();
    const config = await loadCollectConfig(flags, env);
    // delivery options are checked before GitLab is asked anything
    const targets = flags.push ? resolveDeliveryTargets(deliveryFlags(flags, { prefix: 'push-' }), env) : undefined;
    const onRetry = (notice: RetryNotice): void => io.err(retryLine(notice));
    const result = await withSpinner(
      io,
      `collecting pipeline ${config.pipelineId} of ${config.project}`,
      async () => (await import('../commands/collect.js')).runCollect(config, { onRetry }),
      `could not collect pipeline ${config.pipelineId}`,
    );
    if (!targets || config.output) await emit(io, `${JSON.stringify(printable(result), null, 2)}\n`, config.output);
    for (const note of result.notes) io.err(`note: ${note}`);
    io.err(summary(config, result));
    if (!targets) return;
    if (targets.defaulted) io.err(embeddedDefaultNote(targets.postgres));
    // parents first: a child row names its parent pipeline
    const items = result.payloads.map((payload) => ({ payload, body: JSON.stringify(payload) }));
    const failure = reportDeliveries(io, await deliverPayloads(items, targets, { onRetry }));
    if (failure) throw failure;
  });
}

/** One payload as before; the whole hierarchy as an array (root first) when downstream pipelines were read. */
function printable(result: CollectResult): unknown {
  return result.payloads.length === 1 ? result.payload : result.payloads;
}

/** e.g. `collected pipeline 123 of g/p (+2 downstream): 1003 attempts, 42 logs, 14 requests in 0.8 s` */
export function summary(config: CollectConfig, { stats, payload }: CollectResult): string {
  const retries = stats.retries ? ` (${stats.retries} retried)` : '';
  const downstream = stats.pipelines > 1 ? ` (+${stats.pipelines - 1} downstream)` : '';
  return (
    `collected pipeline ${config.pipelineId} of ${payload.project}${downstream}: ${stats.attempts} attempts, ${stats.logs} logs, ` +
    `${stats.requests} requests${retries} in ${(stats.elapsedMs / 1000).toFixed(1)} s` +
    (config.output ? ` → ${config.output}` : '') +
    (stats.jobGraph.skipped ? `\nwarning: no critical path: ${stats.jobGraph.skipped}` : '')
  );
}
