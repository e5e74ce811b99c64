/**
 * `collect` against a loopback GitLab with 50 ms latency per request, for a 1,000-job pipeline:
 * requests and wall time (median of several runs) of our client, side by side with the
 * original client's approach (project, pipeline, jobs at 20 per page, failed jobs at 20 per
 * page, e2e logs), whose requests are counted on the same fixture and issued sequentially as
 * the original did. Our client also reads the bridges and the test report summary (one request
 * each); the fixture pipeline has no downstream pipeline, so --no-downstream changes nothing.
 * The job graph (GraphQL, for the critical path) is read alongside the REST requests: its round
 * trips and how long after the last REST answer it ended are reported too.
 */
import { runCollect } from '../src/commands/collect.js';
import { DEFAULT_COLLECT_CONCURRENCY, resolveCollectConfig } from '../src/config/collect.js';
import { expectedRequests, expectedSeed, originalClientRequests } from '../test/fixtures/gitlab/expected.js';
import { generatePipeline } from '../test/fixtures/gitlab/generate.js';
import { ciEnvFor } from '../test/fixtures/gitlab/ci-env.js';
import { FIXTURE_TOKEN, startGitlabServer } from '../test/fixtures/gitlab/server.js';

const LATENCY_MS = 50;
const RUNS = 5;
const ORIGINAL_RUNS = 3;

const fixture = generatePipeline({ jobs: 1000 });
const server = await startGitlabServer({ fixture, latencyMs: LATENCY_MS });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface OurRun {
  ms: number;
  requests: number;
  /** GraphQL round trips: a request joins one while the round trip's first request is unanswered */
  graphTrips: number;
  /** ms from the last REST answer to the last GraphQL answer (negative: the graph was read first) */
  graphAfterRestMs: number;
}

async function ours(concurrency: number): Promise<OurRun> {
  const config = resolveCollectConfig({ concurrency: String(concurrency) }, ciEnvFor(fixture, server));
  const before = server.requests.length;
  const started = performance.now();
  const { payload } = await runCollect(config);
  const ms = performance.now() - started;
  if (payload.jobs.length !== expectedSeed(fixture).jobs.length) throw new Error('unexpected payload');
  if (!payload.critical_path) throw new Error('no critical path');
  const requests = server.requests.slice(before);
  const graph = requests.filter((r) => r.path.startsWith('/api/graphql')).sort((a, b) => a.at - b.at);
  let graphTrips = 0;
  let tripEnd = -Infinity;
  for (const r of graph) {
    if (r.at < tripEnd) continue;
    graphTrips++;
    tripEnd = r.doneAt;
  }
  const lastDone = (rs: typeof requests) => Math.max(...rs.map((r) => r.doneAt));
  const graphAfterRestMs = lastDone(graph) - lastDone(requests.filter((r) => !graph.includes(r)));
  return { ms, requests: requests.length, graphTrips, graphAfterRestMs };
}

/** The original client's request sequence, one request at a time. */
async function original(): Promise<{ ms: number; requests: number }> {
  const before = server.requests.length;
  const started = performance.now();
  const get = async (path: string) => {
    const response = await fetch(`${server.apiUrl}${path}`, { headers: { 'PRIVATE-TOKEN': FIXTURE_TOKEN } });
    const body = response.headers.get('content-type')?.startsWith('application/json') ? await response.json() : await response.text();
    return { body, next: response.headers.get('x-next-page') };
  };
  const project = `/projects/${fixture.projectId}`;
  await get(project);
  await get(`${project}/pipelines/${fixture.pipelineId}`);
  const pages = async (query: string) => {
    for (let page: string | null = '1'; page;)
      page = (await get(`${project}/pipelines/${fixture.pipelineId}/jobs?${query}&per_page=20&page=${page}`)).next;
  };
  await pages('');
  await pages('scope[]=failed&include_retried=true');
  for (const { name } of expectedSeed(fixture).jobs) {
    const id = fixture.attempts.find((a) => a.name === name && !a.retried)!.id;
    await get(`${project}/jobs/${id}/trace`);
  }
  return { ms: performance.now() - started, requests: server.requests.length - before };
}

try {
  await ours(DEFAULT_COLLECT_CONCURRENCY); // warm-up (JIT, keep-alive sockets)
  const runs = async (concurrency: number) => {
    const out = [];
    for (let i = 0; i < RUNS; i++) out.push(await ours(concurrency));
    return out;
  };
  const ourRuns = await runs(DEFAULT_COLLECT_CONCURRENCY);
  const narrowRuns = await runs(8);
  const originalRuns = [];
  for (let i = 0; i < ORIGINAL_RUNS; i++) originalRuns.push(await original());
  const target = expectedRequests(fixture);
  const row = (name: string, r: Array<{ ms: number; requests: number }>) => {
    const ms = median(r.map((x) => x.ms));
    return [name, String(r[0]!.requests), `${ms.toFixed(0)} ms`, (ms / LATENCY_MS).toFixed(1), String(r.length)];
  };
  const rows = [
    ['client', 'requests', 'wall time (median)', 'round trips', 'runs'],
    row(`pipeline-metrics collect (default, ${DEFAULT_COLLECT_CONCURRENCY} in flight)`, ourRuns),
    row('pipeline-metrics collect --concurrency 8', narrowRuns),
    row('original approach (sequential)', originalRuns),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  console.log(
    `fixture: ${fixture.attempts.length} job attempts (1000 jobs), ${target.logs} e2e logs, ${LATENCY_MS} ms latency per request`,
  );
  console.log(
    `target: <= 1 + ceil(${fixture.attempts.length}/100) + 1 (bridges) + 1 (test summary) + ${target.logs} = ${target.total} REST requests + ${target.graphPages} GraphQL job-graph pages = ${target.withGraph}; ` +
      `original approach counted on this fixture (no bridges, no test summary): ${originalClientRequests(fixture)}`,
  );
  for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
  console.log(
    `runs (ms): default ${ourRuns.map((r) => r.ms.toFixed(0)).join(', ')}; 8 in flight ${narrowRuns.map((r) => r.ms.toFixed(0)).join(', ')}; original ${originalRuns.map((r) => r.ms.toFixed(0)).join(', ')}`,
  );
  console.log(
    `job graph (default runs): ${target.graphPages} GraphQL requests in ${ourRuns.map((r) => r.graphTrips).join(', ')} round trips ` +
      `(expected ${target.graphRoundTrips}), read alongside the REST requests: last GraphQL answer ` +
      `${median(ourRuns.map((r) => r.graphAfterRestMs)).toFixed(0)} ms after the last REST answer (median)`,
  );
  if ([...ourRuns, ...narrowRuns].some((r) => r.requests !== target.withGraph))
    throw new Error(`expected ${target.withGraph} requests per collect`);
} finally {
  await server.close();
}
