import { Option, type Command } from 'commander';
import { DEFAULT_DELIVERY_TIMEOUT_S, resolveDeliveryTargets, type DeliveryFlags } from '../config/push.js';
import { readEnv } from '../config/env.js';
import { EXIT, UpstreamError, type ExitCode } from '../errors.js';
import { runPush, type DeliveryResult } from '../commands/push.js';
import { defaultFallbackPath } from '../delivery/fallback.js';
import { envHint, retryLine, type CliIO } from './output.js';
import { readStdinBytes } from './stdin.js';

/**
 * The delivery flags shared by `push` and `collect --push`. `collect` already owns `--token` and
 * `--timeout` (GitLab's), so it passes `prefix: 'push-'`: `--push-url`, `--push-token`,
 * `--push-timeout`; `--db`, `--clickhouse` and `--save-on-failure` never take a prefix.
 * Read the parsed values back with {@link deliveryFlags} and the same prefix.
 */
export function addDeliveryOptions(command: Command, { prefix = '' }: { prefix?: '' | 'push-' } = {}): Command {
  return command
    .option(`--${prefix}url <url>`, 'metrics server base URL or its /save_metrics endpoint' + envHint('PIPELINE_METRICS_URL'))
    .option('--db [spec]', 'write to Postgres directly: postgres:// URL or embedded data directory' + envHint('DATABASE_URL'))
    .option('--clickhouse [spec]', 'write to ClickHouse directly: http(s):// URL or embedded directory' + envHint('CLICKHOUSE_URL'))
    .option(`--${prefix}token <token>`, 'bearer token for the metrics server' + envHint('PIPELINE_METRICS_TOKEN'))
    .option(`--${prefix}timeout <seconds>`, `total time for delivery retries per target (default ${DEFAULT_DELIVERY_TIMEOUT_S})`)
    .option(
      '--save-on-failure <file>',
      `where to keep the payload if a target fails (default ${defaultFallbackPath(0).replace('0', '<pipeline_id>')})`,
    );
}

/** The delivery flags out of commander's parsed options (see {@link addDeliveryOptions}). */
export function deliveryFlags(options: Record<string, unknown>, { prefix = '' }: { prefix?: '' | 'push-' } = {}): DeliveryFlags {
  const key = (name: 'url' | 'token' | 'timeout'): string => (prefix ? `push${name[0]!.toUpperCase()}${name.slice(1)}` : name);
  return {
    url: options[key('url')] as string | undefined,
    token: options[key('token')] as string | undefined,
    timeout: options[key('timeout')] as string | undefined,
    db: options.db as string | boolean | undefined,
    clickhouse: options.clickhouse as string | boolean | undefined,
    saveOnFailure: options.saveOnFailure as string | undefined,
  };
}

/**
 * Prints one line per target on stderr and, on failure, where the payload went.
 * Returns the error to throw (exit 3 rejected / 2 misconfigured / 4 unreachable), or undefined when delivered.
 */
/**
 * Prints every delivery's outcomes, and once per fallback file where the failed payloads were
 * kept (several payloads may share one file, as a JSON array) and how to resend them. Returns
 * the error for the first failed delivery (its exit code), undefined when all were delivered.
 */
export function reportDeliveries(io: CliIO, results: DeliveryResult[]): UpstreamError | undefined {
  const told = new Set<string>();
  let failure: UpstreamError | undefined;
  for (const result of results) {
    for (const o of result.outcomes) {
      const ok = o.status === 'created' || o.status === 'duplicate';
      io.err(`${ok ? 'delivered' : 'FAILED'} pipeline ${result.pipelineId} → ${o.target}: ${o.status} (${o.detail})`);
    }
    if (result.exitCode === EXIT.ok) continue;
    if (result.fallbackFile !== undefined && !told.has(result.fallbackFile)) {
      told.add(result.fallbackFile);
      const kept = results.filter((r) => r.fallbackFile === result.fallbackFile).map((r) => r.pipelineId);
      const what =
        kept.length > 1
          ? `payloads of pipelines ${kept.join(', ')} saved to ${result.fallbackFile} (a JSON array)`
          : `payload saved to ${result.fallbackFile}`;
      if (result.fallbackError) io.err(`could not save the payload to ${result.fallbackFile}: ${result.fallbackError}`);
      else io.err(`${what}; resend with: ${result.resendCommand}`);
    }
    failure ??= new UpstreamError(`pipeline ${result.pipelineId} ${failureText(result.exitCode)}`, { exitCode: result.exitCode });
  }
  return failure;
}

function failureText(exitCode: ExitCode): string {
  if (exitCode === EXIT.rejected) return 'rejected by a target';
  if (exitCode === EXIT.usage) return 'not delivered: a target is not set up';
  return 'could not be delivered to every target';
}

/** No target flag or env at all: say where the payload goes. */
export function embeddedDefaultNote(postgres: string | undefined): string {
  return `no --url/--db/--clickhouse (or PIPELINE_METRICS_URL/DATABASE_URL/CLICKHOUSE_URL) given: writing to embedded Postgres at ${postgres}`;
}

export function registerPush(program: Command, io: CliIO): void {
  const command = program
    .command('push')
    .summary('validate a payload and deliver it to a metrics server and/or databases')
    .description(
      'Validate a payload (file or stdin) and deliver it to a metrics server and/or databases.\n' +
        'Targets: --url, --db, --clickhouse (or their env vars); none at all = embedded Postgres (.pipeline-metrics/postgres).\n' +
        'Exit codes: 0 delivered everywhere, 2 bad options, no target in CI, or database not migrated,\n' +
        '3 rejected (invalid payload, 4xx, redirect, wrong password or token), 4 could not reach, try again (network, 5xx, database down or in use).',
    )
    .argument('[file]', 'payload JSON file; "-" or omitted = stdin');
  addDeliveryOptions(command).addOption(new Option('--json', 'print the delivery result as JSON on stdout'));
  command.action(async (file: string | undefined, flags: Record<string, unknown>) => {
    const targets = resolveDeliveryTargets(deliveryFlags(flags), readEnv());
    if (targets.defaulted) io.err(embeddedDefaultNote(targets.postgres));
    const results = await runPush({ input: file, targets }, { readStdin: readStdinBytes, onRetry: (notice) => io.err(retryLine(notice)) });
    if (flags.json) io.out(JSON.stringify(results.length === 1 ? results[0] : results));
    const failure = reportDeliveries(io, results);
    if (failure) throw failure;
  });
}
