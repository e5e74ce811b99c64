import type { BackfillConfig } from '../config/backfill.js';
import { openBackfillTargets, type BackfillTarget, type BackfillTargetDeps } from '../delivery/backfill-target.js';
import { PipelineMetricsError } from '../errors.js';
import { createRequester, type Requester } from '../gitlab/requester.js';
import { getProject, listFinishedPipelines, listGroupProjects, type PipelinePage } from '../gitlab/list-pipelines.js';
import { createRatePacer, pacedFetch, type RatePacer } from '../gitlab/rate-pacer.js';
import type { GitlabProject } from '../gitlab/types.js';
import { createPipelineCollector, type CollectPipeline } from '../backfill/collect-pipeline.js';
import { planPage, type PipelineWork } from '../backfill/plan-page.js';
import { exitCodeFor, type BackfillCounts, type BackfillFailure, type BackfillResult } from '../backfill/progress.js';
import { createTaskPool, type TaskPool } from '../backfill/task-pool.js';
import { exitCodeOfFailure } from '../delivery/store.js';

export interface BackfillDeps extends BackfillTargetDeps {
  /** GitLab's fetch (the pacer wraps it) */
  gitlabFetch?: typeof fetch;
  /** aborted = stop: in-flight pipelines finish, nothing new starts */
  signal?: AbortSignal;
  /** called after every pipeline and every listed page, with a copy of the counters */
  onProgress?: (counts: BackfillCounts) => void;
  /** GitLab retry tuning (tests use small values); ms */
  retry?: { baseDelayMs?: number; maxDelayMs?: number; attemptTimeoutMs?: number };
  openTargets?: (config: BackfillConfig) => Promise<BackfillTarget[]>;
}

interface Run {
  config: BackfillConfig;
  deps: BackfillDeps;
  pacer: RatePacer;
  requester: Requester;
  collect: CollectPipeline;
  targets: BackfillTarget[];
  pool: TaskPool;
  counts: BackfillCounts;
  failures: BackfillFailure[];
  started: number;
}

/**
 * `pipeline-metrics backfill`: lists the finished pipelines of the window project by project,
 * page by page; asks every target which of a page's ids it holds (one query per page); collects
 * the others (and those stored while running) concurrently inside the shared GitLab rate budget,
 * and writes them. Returns the summary; never prints. A target that cannot answer which
 * pipelines it holds stops the run (after the in-flight pipelines) with its error.
 */
export async function runBackfill(config: BackfillConfig, deps: BackfillDeps = {}): Promise<BackfillResult> {
  const pacer = createRatePacer(config.ratePerMinute);
  const fetch = pacedFetch(pacer, deps.gitlabFetch ?? globalThis.fetch);
  const requester = createRequester({
    baseUrl: config.gitlabUrl,
    token: config.token,
    tokenInfo: config.tokenInfo,
    fetch,
    retryBudgetMs: config.timeoutMs,
    ...deps.retry,
  });
  const collect = createPipelineCollector({ ...config, fetch, retry: deps.retry });
  const counts: BackfillCounts = {
    listed: 0,
    skipped: 0,
    collected: 0,
    refreshed: 0,
    failed: 0,
    requests: 0,
    rateLimited: 0,
    storeRetries: 0,
    elapsedMs: 0,
  };
  // a database outage shows in the progress as it happens, not only in the summary
  // (retries happen only once the targets are open, so `run` is set by then)
  const onStoreRetry = () => {
    counts.storeRetries += 1;
    progress(run);
  };
  const targets = await (deps.openTargets ?? ((c) => openBackfillTargets(c.targets, { ...deps, onStoreRetry })))(config);
  const run: Run = {
    config,
    deps,
    pacer,
    requester,
    collect,
    targets,
    pool: createTaskPool(config.parallel),
    counts,
    failures: [],
    started: performance.now(),
  };
  let projects: GitlabProject[] = [];
  try {
    projects = await resolveProjects(run);
    for (const project of projects) {
      if (deps.signal?.aborted) break;
      await backfillProject(run, project);
    }
  } finally {
    await run.pool.drain();
    await Promise.allSettled(targets.map((t) => t.close()));
  }
  refreshCounters(run);
  return {
    ...counts,
    failures: run.failures,
    interrupted: deps.signal?.aborted ?? false,
    projects: projects.map((p) => p.id),
    targets: targets.map((t) => t.description),
    exitCode: exitCodeFor(run.failures),
  };
}

/** `--group`: every project of the group and its subgroups; else each `--project`, asked once. */
async function resolveProjects(run: Run): Promise<GitlabProject[]> {
  const { config } = run;
  if (config.group) return listGroupProjects(run.requester, config.group, 4);
  const projects: GitlabProject[] = [];
  for (const project of config.projects) projects.push(await getProject(run.requester, project));
  return projects;
}

/**
 * One project, page by page. A listing that GitLab refuses fails this project (the others go
 * on); a target that cannot say what it holds throws: every write would be a guess.
 */
async function backfillProject(run: Run, project: GitlabProject): Promise<void> {
  const pages = listFinishedPipelines(run.requester, String(project.id), run.config.window);
  while (!run.deps.signal?.aborted) {
    let next: IteratorResult<PipelinePage>;
    try {
      next = await pages.next();
    } catch (error) {
      if (!(error instanceof PipelineMetricsError)) throw error;
      return fail(run, { project: project.id, reason: `listing pipelines: ${error.message}`, exitCode: exitCodeOfFailure(error) });
    }
    if (next.done) return;
    await backfillPage(run, project, next.value);
  }
}

async function backfillPage(run: Run, project: GitlabProject, page: PipelinePage): Promise<void> {
  if (page.page === 1 && page.total !== undefined) run.counts.total = (run.counts.total ?? 0) + page.total;
  const ids = page.rows.map((row) => row.id);
  const answers = await Promise.all(run.targets.map((t) => t.storedStates(ids)));
  const { work, skipped } = planPage(ids, answers, run.config.refreshAll);
  run.counts.listed += ids.length;
  run.counts.skipped += skipped;
  progress(run);
  for (const item of work) {
    if (run.deps.signal?.aborted) return;
    await run.pool.start(() => backfillPipeline(run, project, item));
  }
}

async function backfillPipeline(run: Run, project: GitlabProject, item: PipelineWork): Promise<void> {
  // the slot freed after a stop was asked: start nothing new
  if (run.deps.signal?.aborted) return;
  try {
    const [root, ...downstream] = await run.collect(project, item.pipelineId);
    await Promise.all(
      run.targets.map(async (target, i) => {
        const stored = item.stored[i];
        // a target already holding the final snapshot is left alone unless --refresh-all
        if (stored === 'final' && !run.config.refreshAll) return;
        await target.write(root!, stored);
        // child pipelines follow their parent: replaced (or created) when the parent was stored
        for (const child of downstream) await target.write(child, stored === undefined ? undefined : 'running');
      }),
    );
    run.counts[item.kind]++;
  } catch (error) {
    fail(run, {
      project: project.id,
      pipelineId: item.pipelineId,
      reason: error instanceof Error ? error.message : String(error),
      exitCode: exitCodeOfFailure(error),
    });
  }
  progress(run);
}

function fail(run: Run, failure: BackfillFailure): void {
  run.failures.push(failure);
  run.counts.failed++;
}

function refreshCounters(run: Run): void {
  run.counts.requests = run.pacer.stats.started;
  run.counts.rateLimited = run.pacer.stats.rateLimited;
  run.counts.elapsedMs = performance.now() - run.started;
}

function progress(run: Run): void {
  refreshCounters(run);
  run.deps.onProgress?.({ ...run.counts });
}
