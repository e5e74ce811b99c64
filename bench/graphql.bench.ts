/**
 * The seed query through GraphQL vs through `query`, on 1 million builds in chDB, both warm,
 * alternating in one run. GraphQL: graphql-request → serve's fastify + mercurius (in this
 * process, on loopback) → the same compiler → runQuery. `query`: runQuery of the command
 * (parse file + compile + runQuery), the store kept open. Reports both medians and the ratio
 * (target ≤ 1.1). Data: test/helpers/generate-builds.ts; the window is the default (last 7 days).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphQLClient } from 'graphql-request';
import { resolveLimits, defaultRange } from '../src/analytics/index.js';
import { runQuery as runQueryCommand } from '../src/commands/query.js';
import { buildServer } from '../src/server/build-server.js';
import { createReadAuth } from '../src/server/graphql/access.js';
import { graphqlPlugin } from '../src/server/graphql/mount.js';
import { openClickhouseClient, openClickhouseStore } from '../src/store/clickhouse/index.js';
import { generateBuilds } from '../test/helpers/generate-builds.js';

const BUILDS = 1_000_000;
const RUNS = 21;

const DOCUMENT = `query($query: AnalyticsQueryInput) { project(fullPath: "group/app") { pipelineAnalytics(query: $query) { values errors } } }`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pm-bench-graphql-'));
  const now = new Date();
  try {
    await (await openClickhouseStore(dir, { autoMigrate: true })).close();
    const handle = await openClickhouseClient(dir);
    let t = performance.now();
    await generateBuilds(handle, BUILDS, now);
    await handle.close();
    console.log(`generated ${BUILDS.toLocaleString('en')} builds in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const store = await openClickhouseStore(dir);
    const text = readFileSync(new URL('../examples/queries/seed-job-metrics.yaml', import.meta.url), 'utf8');
    const range = defaultRange(now);
    const runner = { runQuery: store.runQuery, findProject: store.findProject, close: async () => undefined };
    const viaQuery = async () => {
      const result = await runQueryCommand(
        { text, source: 'seed', context: { ...range, projectId: 42 }, sqlOnly: false, clickhouse: dir },
        { openRunner: async () => runner },
      );
      return result.kind === 'rows' ? result.rows : [];
    };

    const app = buildServer({
      sinks: [store],
      tokens: [],
      bodyLimit: 1024 * 1024,
      graphql: graphqlPlugin({
        source: store,
        authenticate: createReadAuth([], true),
        guards: { budgetSeconds: 30, limits: resolveLimits() },
        now: () => now,
      }),
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address() as { port: number };
    const client = new GraphQLClient(`http://127.0.0.1:${address.port}/graphql`);
    const { parseQueryText } = await import('../src/commands/query.js');
    const input = await parseQueryText(text, 'seed');
    const viaGraphql = async () =>
      (await client.request<{ project: { pipelineAnalytics: { values: unknown[][] } } }>(DOCUMENT, { query: input })).project
        .pipelineAnalytics.values;

    const [a, b] = [await viaQuery(), await viaGraphql()]; // warm-up; the two must agree
    // quantile(0.95) samples (ClickHouse's reservoir, multi-threaded): compare every other column
    const exact = (rows: unknown[][]) => JSON.stringify(rows.map((r) => r.filter((_, i) => i !== 4)));
    if (exact(a) !== exact(b)) throw new Error(`query and GraphQL returned different rows:\n${JSON.stringify(a)}\n${JSON.stringify(b)}`);
    console.log(`result: ${a.length} rows; first: ${JSON.stringify(a[0])}`);
    const queryMs: number[] = [];
    const graphqlMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const order =
        i % 2 === 0
          ? ([
              [viaQuery, queryMs],
              [viaGraphql, graphqlMs],
            ] as const)
          : ([
              [viaGraphql, graphqlMs],
              [viaQuery, queryMs],
            ] as const);
      for (const [run, times] of order) {
        t = performance.now();
        await run();
        times.push(performance.now() - t);
      }
    }
    const mq = median(queryMs);
    const mg = median(graphqlMs);
    console.log(`query (parse + compile + runQuery): median ${mq.toFixed(1)} ms over ${RUNS} runs`);
    console.log(`GraphQL (graphql-request → /graphql): median ${mg.toFixed(1)} ms over ${RUNS} runs`);
    console.log(`ratio GraphQL/query: ${(mg / mq).toFixed(3)} (target ≤ 1.1)`);
    await app.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
