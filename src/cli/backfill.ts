import type { Command } from 'commander';
import {
  DEFAULT_BACKFILL_PARALLEL,
  DEFAULT_BACKFILL_RATE,
  BACKFILL_ENV,
  loadBackfillConfig,
  type BackfillFlags,
} from '../config/backfill.js';
import { COLLECT_ENV } from '../config/collect.js';
import { readEnv } from '../config/env.js';
import { EXIT, UpstreamError } from '../errors.js';
import { addClassifyOptions } from './collect-options.js';
import { createProgressView, summaryLines } from './backfill-progress.js';
import { envHint, type CliIO } from './output.js';
import { addDeliveryOptions, deliveryFlags, embeddedDefaultNote } from './push.js';
import { subscribeToSignals } from './serve.js';

/** `backfill`: a window of finished pipelines → the targets; progress and summary on stderr, `--json` on stdout. */
export function registerBackfill(program: Command, io: CliIO): Command {
  const command = program
    .command('backfill')
    .summary('collect the finished pipelines of a time window (cron), skipping those stored')
    .description(
      'Collect the finished pipelines of a window (--since, --until) of projects or a group and deliver them like push.\n' +
        'Pipelines already stored are skipped (one query per listed page); pipelines stored while running are collected again\n' +
        'and their snapshot replaced. GitLab requests keep an even pace under --rate. SIGINT/SIGTERM: finish the pipelines in\n' +
        'flight and stop; the next run continues. Exit codes: 0 all collected, 3 some rejected, 2 a target not set up (run\n' +
        'migrate), 4 some could not be reached (a database write is retried within --push-timeout first, as push does).',
    )
    .option('--gitlab-url <url>', `GitLab URL or API root${envHint('CI_API_V4_URL', 'CI_SERVER_URL')}`)
    .option('--token <token>', `GitLab token with read_api${envHint('GITLAB_TOKEN', 'PRIVATE_TOKEN')}`)
    .option(
      '--project <id|path>',
      `project to backfill; repeat for several (default: the CI job's project)${envHint('CI_PROJECT_ID')}`,
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--group <id|path>', 'every project of a group and its subgroups (instead of --project)')
    .requiredOption('--since <when>', 'start of the window (GitLab updated_after): ISO 8601 date/time, or back from now: 30m, 12h, 7d, 2w')
    .option('--until <when>', 'end of the window (updated_before), same formats (default: now)')
    .option('--ref <ref>', 'only pipelines of this branch or tag')
    .option('--source <source>', 'only pipelines of this source (push, schedule, merge_request_event, web, …)')
    .option('--refresh-all', 're-collect every pipeline of the window and replace what is stored')
    .option(
      '--rate <requests/min>',
      `GitLab requests per minute, all together, evenly paced (default: ${DEFAULT_BACKFILL_RATE})${envHint(BACKFILL_ENV.rate)}`,
    )
    .option('--parallel <n>', `pipelines collected at once, 1-64 (default: ${DEFAULT_BACKFILL_PARALLEL})`)
    .option('--config <file>', `JSON or YAML file with collect's settings in camelCase${envHint(COLLECT_ENV.config)}`)
    .option('--json', 'print the summary as JSON on stdout');
  addClassifyOptions(command);
  addDeliveryOptions(command, { prefix: 'push-' });
  return command.action(async (flags: BackfillFlags & Record<string, unknown>) => {
    const config = await loadBackfillConfig(flags, deliveryFlags(flags, { prefix: 'push-' }), readEnv());
    if (config.targets.defaulted) io.err(embeddedDefaultNote(config.targets.postgres));
    const stop = new AbortController();
    const unsubscribe = subscribeToSignals((signal) => {
      io.err(`${signal}: finishing the pipelines in flight, then stopping (rerun to continue)`);
      stop.abort();
    });
    const view = await createProgressView(io, process.stderr.columns);
    try {
      // loaded on use: the stores' modules stay out of other commands (push --url loads none)
      const { runBackfill } = await import('../commands/backfill.js');
      const result = await runBackfill(config, { signal: stop.signal, onProgress: (c) => view.update(c) });
      view.stop();
      for (const line of summaryLines(result)) io.err(line);
      if (flags.json) io.out(JSON.stringify(result));
      if (result.exitCode !== EXIT.ok) {
        throw new UpstreamError(`${result.failed} pipeline(s) failed; the others are stored. Rerun to retry them.`, {
          exitCode: result.exitCode,
        });
      }
    } finally {
      view.stop();
      unsubscribe();
    }
  });
}
