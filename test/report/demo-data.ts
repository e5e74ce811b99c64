import { runCollect } from '../../src/commands/collect.js';
import { resolveCollectConfig } from '../../src/config/collect.js';
import type { ClickhouseStore } from '../../src/store/clickhouse/index.js';
import { ciEnvFor } from '../fixtures/gitlab/ci-env.js';
import { generatePipeline } from '../fixtures/gitlab/generate.js';
import { startGitlabServer } from '../fixtures/gitlab/server.js';

/** The demo's data: generated pipelines collected from the loopback GitLab (REST + GraphQL) into `store`. */
export async function saveDemoPipelines(store: ClickhouseStore, count = 3, jobs = 120): Promise<void> {
  for (let i = 0; i < count; i++) {
    const fixture = generatePipeline({ jobs, seed: 7 + i, pipelineId: 9101 + i, firstJobId: 8_000_000 + i * 10_000 });
    const server = await startGitlabServer({ fixture });
    try {
      const { payload } = await runCollect(resolveCollectConfig({ logs: 'all' }, ciEnvFor(fixture, server)));
      await store.save(payload);
    } finally {
      await server.close();
    }
  }
}

/** The fixture pipelines ran on 2024-05-01. */
export const DEMO_RANGE = { fromTime: new Date('2024-04-30T00:00:00Z'), toTime: new Date('2024-05-03T00:00:00Z') };
