import { expect } from 'vitest';
import { runBackfill, type BackfillDeps } from '../../src/commands/backfill.js';
import { runCollect } from '../../src/commands/collect.js';
import { deliverPayload } from '../../src/commands/push.js';
import { resolveBackfillConfig } from '../../src/config/backfill.js';
import { resolveCollectConfig } from '../../src/config/collect.js';
import type { DeliveryFlags } from '../../src/config/push.js';
import { resolveDeliveryTargets } from '../../src/config/push.js';
import type { BackfillResult } from '../../src/backfill/progress.js';
import type { Payload } from '../../src/payload/schema.js';
import { createHistory, type History } from '../fixtures/gitlab/history.js';
import { startHistoryServer, type HistoryServer, type HistoryServerOptions } from '../fixtures/gitlab/history-server.js';
import { FIXTURE_TOKEN } from '../fixtures/gitlab/server.js';

/** Twelve finished pipelines, ten minutes apart, from 2024-06-03 08:00Z; every 5th has a child. */
export const HISTORY = { count: 12, jobs: 40, startMs: Date.parse('2024-06-03T08:00:00.000Z'), childEvery: 5 } as const;
export const WINDOW = { since: '2024-06-03T00:00:00Z', until: '2024-06-04T00:00:00Z' } as const;
/** GitLab retry tuning for tests: small waits, so a forced 429 costs ~1 s */
export const FAST_RETRY = { baseDelayMs: 20, maxDelayMs: 200 };

export interface BackfillFixture {
  history: History;
  server: HistoryServer;
  close(): Promise<void>;
}

export async function startHistory(options: Partial<HistoryServerOptions> = {}): Promise<BackfillFixture> {
  const history = createHistory(HISTORY);
  const server = await startHistoryServer({ history, ...options });
  return { history, server, close: () => server.close() };
}

/** The environment of a backfill job: a read_api token and the GitLab URL; no CI variables. */
export function gitlabEnv(server: HistoryServer): Record<string, string> {
  return { CI_API_V4_URL: server.apiUrl, GITLAB_TOKEN: FIXTURE_TOKEN };
}

export async function backfill(
  fixture: BackfillFixture,
  delivery: DeliveryFlags,
  flags: { refreshAll?: boolean; parallel?: string; rate?: string } = {},
  deps: BackfillDeps = {},
): Promise<BackfillResult> {
  const config = resolveBackfillConfig(
    {
      project: [String(fixture.history.options.projectId)],
      ...WINDOW,
      rate: flags.rate ?? '60000',
      parallel: flags.parallel,
      refreshAll: flags.refreshAll,
    },
    delivery,
    gitlabEnv(fixture.server),
    new Date(),
  );
  return runBackfill(config, { retry: FAST_RETRY, ...deps });
}

/**
 * Collects one pipeline with `collect` as its own last stage would (CI variables, the collector
 * job excluded) — while it runs when the server serves it as running — and delivers it.
 */
export async function collectAndStore(fixture: BackfillFixture, pipelineId: number, delivery: DeliveryFlags): Promise<Payload> {
  const pipeline = fixture.history.get(pipelineId)!;
  const running = fixture.server.options.running?.has(pipelineId) ?? false;
  const env = {
    ...gitlabEnv(fixture.server),
    CI: 'true',
    CI_PROJECT_ID: String(fixture.history.options.projectId),
    CI_PROJECT_PATH: fixture.history.options.projectPath,
    CI_PIPELINE_ID: String(pipelineId),
    CI_DEFAULT_BRANCH: 'main',
    CI_JOB_ID: String((running ? pipeline.running : pipeline.fixture).selfJobId),
  };
  const { payload } = await runCollect(resolveCollectConfig({}, env), { retry: FAST_RETRY });
  const delivered = await deliverPayload(payload, resolveDeliveryTargets(delivery, {}));
  expect(delivered.outcomes.map((o) => o.status)).toEqual(delivered.outcomes.map(() => 'created'));
  return payload;
}

/** Requests the server saw since `from`, by kind. */
export function requestsSince(server: HistoryServer, from: number): { listing: number; project: number; other: number } {
  const seen = server.requests.slice(from).map((r) => new URL(r.path, 'http://x').pathname);
  const listing = seen.filter((p) => /\/pipelines$/.test(p)).length;
  const project = seen.filter((p) => /\/projects\/[^/]+$/.test(p)).length;
  return { listing, project, other: seen.length - listing - project };
}
