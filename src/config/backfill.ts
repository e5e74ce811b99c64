import { UsageError } from '../errors.js';
import type { TokenInfo } from '../gitlab/http-errors.js';
import type { PipelineWindow } from '../gitlab/list-pipelines.js';
import type { ClassifyOptions } from '../payload/options.js';
import { apiUrl, intInRange, timeoutSeconds } from './collect-fields.js';
import {
  classifyOptions,
  downstreamOptions,
  type DownstreamConfig,
  COLLECT_ENV,
  DEFAULT_COLLECT_CONCURRENCY,
  DEFAULT_COLLECT_TIMEOUT_S,
  pickToken,
  serverApi,
  type CollectFlags,
} from './collect.js';
import { readCollectFile, type CollectFile } from './collect-file.js';
import { firstEnv, type Env } from './env.js';
import { collectDeliveryTargets, type DeliveryFlags, type DeliveryTargets } from './push.js';

/** `backfill` flags as commander gives them (`project` repeatable). */
export interface BackfillFlags extends Omit<CollectFlags, 'project' | 'pipeline' | 'jobId' | 'output'> {
  project?: string[];
  group?: string;
  since?: string;
  until?: string;
  ref?: string;
  source?: string;
  rate?: string;
  parallel?: string;
  refreshAll?: boolean;
}

export interface BackfillConfig {
  /** API root ending in `/api/v4` */
  gitlabUrl: string;
  token: string;
  tokenInfo: TokenInfo;
  classify: ClassifyOptions;
  /** budget of one GitLab request, retries and waits included, ms */
  timeoutMs: number;
  /** GitLab requests in flight for one pipeline's job pages and logs */
  concurrency: number;
  /** child and multi-project pipelines collected with each listed pipeline (collect's settings) */
  downstream: DownstreamConfig;
  /** numeric ids or paths; empty when `group` is set */
  projects: string[];
  group?: string;
  window: PipelineWindow;
  /** GitLab requests per minute, all requests of the run together */
  ratePerMinute: number;
  /** pipelines collected at once */
  parallel: number;
  refreshAll: boolean;
  targets: DeliveryTargets;
}

/** Well below GitLab.com's 2,000 authenticated requests per minute: other tools share the budget. */
export const DEFAULT_BACKFILL_RATE = 600;
export const DEFAULT_BACKFILL_PARALLEL = 8;
export const BACKFILL_ENV = { rate: 'PIPELINE_METRICS_RATE' } as const;

/** Reads the config file (flag or PIPELINE_METRICS_CONFIG) if any, then resolves. */
export async function loadBackfillConfig(
  flags: BackfillFlags,
  delivery: DeliveryFlags,
  env: Env,
  now = new Date(),
): Promise<BackfillConfig> {
  const path = flags.config ?? firstEnv(env, COLLECT_ENV.config);
  const loaded = path ? await readCollectFile(path) : { file: {}, problems: [] };
  return resolveBackfillConfig(flags, delivery, env, now, loaded.file, loaded.problems);
}

/** Flags > environment > config file > defaults; every problem listed at once. */
export function resolveBackfillConfig(
  flags: BackfillFlags,
  delivery: DeliveryFlags,
  env: Env,
  now: Date,
  file: CollectFile = {},
  fileProblems: string[] = [],
): BackfillConfig {
  const problems = [...fileProblems];
  const str = (v: string | number | undefined) => (v === undefined ? undefined : String(v).trim() || undefined);
  const gitlabUrl = apiUrl(str(flags.gitlabUrl) ?? firstEnv(env, 'CI_API_V4_URL') ?? serverApi(env) ?? str(file.gitlabUrl), problems);
  const gitlab: CollectFlags = { ...flags, project: undefined, jobId: undefined };
  const { token, tokenInfo } = pickToken(gitlab, env, file, problems);
  const { projects, group } = projectsOf(flags, env, file, problems);
  const since = timeBound(flags.since, 'since', now, problems, true);
  const until = timeBound(flags.until, 'until', now, problems, false);
  if (since && until && Date.parse(until) <= Date.parse(since)) problems.push(`until (--until): ${until} must be after --since (${since})`);
  // the collector's own job id (CI_JOB_ID) belongs to this backfill job, not to the pipelines listed
  const classify = classifyOptions(gitlab, { ...env, CI_JOB_ID: undefined }, { ...file, jobId: undefined }, problems);
  const timeoutField = `timeout (--timeout / ${COLLECT_ENV.timeout})`;
  const timeoutS =
    timeoutSeconds(str(flags.timeout) ?? firstEnv(env, COLLECT_ENV.timeout) ?? str(file.timeout), timeoutField, problems) ??
    DEFAULT_COLLECT_TIMEOUT_S;
  const concurrency = intInRange(
    str(flags.concurrency) ?? firstEnv(env, COLLECT_ENV.concurrency) ?? str(file.concurrency),
    `concurrency (--concurrency / ${COLLECT_ENV.concurrency})`,
    { min: 1, max: 32, fallback: DEFAULT_COLLECT_CONCURRENCY },
    problems,
  );
  const downstream = downstreamOptions(gitlab, env, file, problems);
  const ratePerMinute = intInRange(
    str(flags.rate) ?? firstEnv(env, BACKFILL_ENV.rate),
    `rate (--rate / ${BACKFILL_ENV.rate})`,
    { min: 1, max: 100_000, fallback: DEFAULT_BACKFILL_RATE },
    problems,
  );
  const parallel = intInRange(
    str(flags.parallel),
    'parallel (--parallel)',
    { min: 1, max: 64, fallback: DEFAULT_BACKFILL_PARALLEL },
    problems,
  );
  // push's targets, by push's rules (in CI a missing target is an error, never the embedded default)
  const targets = collectDeliveryTargets(delivery, env, problems);
  if (problems.length) throw new UsageError(`backfill options are invalid:\n  ${problems.join('\n  ')}`);
  return {
    gitlabUrl: gitlabUrl!,
    token: token!,
    tokenInfo,
    classify,
    timeoutMs: Math.round(timeoutS * 1000),
    downstream,
    concurrency,
    projects,
    group,
    ratePerMinute,
    parallel,
    refreshAll: flags.refreshAll ?? false,
    targets,
    window: { since: since!, until, ref: str(flags.ref), source: str(flags.source) },
  };
}

function projectsOf(flags: BackfillFlags, env: Env, file: CollectFile, problems: string[]): { projects: string[]; group?: string } {
  const given = (flags.project ?? []).map((p) => p.trim()).filter(Boolean);
  const group = flags.group?.trim() || undefined;
  if (group && given.length)
    return (void problems.push('project (--project) and group (--group): give one or the other'), { projects: [] });
  if (group) return { projects: [], group };
  const projects = given.length
    ? given
    : [firstEnv(env, 'CI_PROJECT_ID', 'CI_PROJECT_PATH') ?? (file.project === undefined ? '' : String(file.project))].filter(Boolean);
  if (projects.length === 0)
    problems.push('project (--project / --group / CI_PROJECT_ID): required, a numeric id or a path like group/sub/project');
  for (const p of projects) {
    if (!/^[1-9]\d*$/.test(p) && !/^[^\s/]+(\/[^\s/]+)+$/.test(p))
      problems.push(`project (--project): "${p}" is neither a numeric id nor a path like group/sub/project`);
  }
  return { projects };
}

const RELATIVE = /^(\d+)\s*([mhdw])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** ISO 8601 (a date, or a time with a zone) or a duration back from now: `30m`, `12h`, `7d`, `2w`. Returns ISO UTC. */
export function timeBound(
  raw: string | undefined,
  name: 'since' | 'until',
  now: Date,
  problems: string[],
  required: boolean,
): string | undefined {
  const field = `${name} (--${name})`;
  const text = raw?.trim();
  if (!text) return required ? void problems.push(`${field}: required, e.g. 7d, 12h or 2024-01-01T00:00:00Z`) : undefined;
  const relative = RELATIVE.exec(text);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS]).toISOString();
  const zoned = /^\d{4}-\d{2}-\d{2}$/.test(text) || /(Z|[+-]\d{2}:?\d{2})$/i.test(text);
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (!zoned || Number.isNaN(ms))
    return void problems.push(`${field}: "${text}" is neither a duration (30m, 12h, 7d, 2w) nor an ISO 8601 date or time with a zone`);
  return new Date(ms).toISOString();
}
