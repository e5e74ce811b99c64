/**
 * GitLab 18.9's jobAnalytics and pipelineAnalytics { aggregate timeSeries } against a real `serve`
 * process on chDB, through graphql-request. Expected numbers come from jobs-dataset.ts by hand.
 */
import { ClientError, GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPECTED, JOB_PIPELINES, WINDOW } from './jobs-dataset.js';
import { pushAll, startServe, type ServeProcess } from './serve-harness.js';

let serve: ServeProcess;
let client: GraphQLClient;

beforeAll(async () => {
  serve = await startServe([]);
  await pushAll(serve.url, JOB_PIPELINES);
  client = new GraphQLClient(`${serve.url}/graphql`);
}, 180_000);
afterAll(async () => {
  await serve?.stop();
});

interface Node {
  name: string;
  stageName?: string | null;
  statistics: {
    count: string;
    success: string;
    failed: string;
    other: string;
    successRate: number;
    failedRate: number;
    otherRate: number;
    durationStatistics: Record<'mean' | 'p50' | 'p75' | 'p90' | 'p95' | 'p99', number>;
  };
}
interface Connection {
  nodes: Node[];
  edges: { cursor: string; node: Node }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

const NODE = `name stageName statistics {
  count success: count(status: SUCCESS) failed: count(status: FAILED) other: count(status: OTHER)
  successRate: rate(status: SUCCESS) failedRate: rate(status: FAILED) otherRate: rate(status: OTHER)
  durationStatistics { mean p50 p75 p90 p95 p99 }
}`;

async function jobAnalytics(args: string, node = NODE): Promise<Connection> {
  const data = await client.request<{ project: { jobAnalytics: Connection } }>(
    `query($fromTime: Time, $toTime: Time) { project(fullPath: "team/jobs") {
      jobAnalytics(fromTime: $fromTime, toTime: $toTime ${args}) { nodes { ${node} } edges { cursor node { ${node} } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
    } }`,
    WINDOW,
  );
  return data.project.jobAnalytics;
}

const percent = (part: number, whole: number) => (whole ? Math.round((part / whole) * 10_000) / 100 : 0);

describe('jobAnalytics', () => {
  it('counts every status (skipped builds as OTHER), rates as GitLab computes them, means rounded to 2 decimals', async () => {
    const { nodes, edges } = await jobAnalytics('');
    expect(nodes.map((n) => n.name)).toEqual(Object.keys(EXPECTED).sort());
    expect(edges.map((e) => e.node)).toEqual(nodes);
    for (const node of nodes) {
      const { stage, counts, mean } = EXPECTED[node.name]!;
      const [success, failed, canceled, skipped] = counts;
      const total = success + failed + canceled + skipped;
      expect(node.stageName).toBe(stage);
      expect(node.statistics).toMatchObject({
        count: String(total),
        success: String(success),
        failed: String(failed),
        other: String(canceled + skipped),
        successRate: percent(success, success + failed),
        failedRate: percent(failed, success + failed),
        otherRate: percent(canceled + skipped, total),
      });
      expect(node.statistics.durationStatistics.mean).toBe(mean);
      const d = node.statistics.durationStatistics;
      expect([d.p50, d.p75, d.p90, d.p95, d.p99]).toEqual([d.p50, d.p75, d.p90, d.p95, d.p99].sort((a, b) => a - b));
    }
    // unit: 2 success, 1 failed → 66.666… → 66.67 (GitLab's 2-decimal rounding); canceled not in the divisor
    expect(nodes.find((n) => n.name === 'unit')!.statistics.successRate).toBe(66.67);
    // one build: every percentile is its duration
    expect(nodes.find((n) => n.name === 'e2e-chrome')!.statistics.durationStatistics).toEqual({
      mean: 100,
      p50: 100,
      p75: 100,
      p90: 100,
      p95: 100,
      p99: 100,
    });
  });

  it('groups by name only when stageName is not selected', async () => {
    const { nodes } = await jobAnalytics('', 'name statistics { count }');
    expect(nodes).toHaveLength(5);
    expect(nodes[0]).toEqual({ name: 'compile', statistics: { count: '4' } });
  });

  it('filters by nameSearch (case-insensitive substring; % and _ literal), ref and source', async () => {
    expect((await jobAnalytics('nameSearch: "OMP"')).nodes.map((n) => n.name)).toEqual(['compile']);
    expect((await jobAnalytics('nameSearch: "%"')).nodes).toEqual([]);
    const byRef = await jobAnalytics('ref: "feature/x"');
    expect(byRef.nodes.map((n) => n.name)).toEqual(['compile', 'e2e-chrome', 'lint', 'unit']);
    const bySource = await jobAnalytics('source: SCHEDULE');
    expect(bySource.nodes.map((n) => [n.name, n.statistics.count])).toEqual([
      ['compile', '1'],
      ['deploy', '1'],
      ['lint', '1'],
      ['unit', '1'],
    ]);
  });

  const SORTS: Record<string, (n: Node) => string | number> = {
    NAME: (n) => n.name,
    STAGE_NAME: (n) => n.stageName ?? '',
    MEAN_DURATION: (n) => n.statistics.durationStatistics.mean,
    P50_DURATION: (n) => n.statistics.durationStatistics.p50,
    P75_DURATION: (n) => n.statistics.durationStatistics.p75,
    P90_DURATION: (n) => n.statistics.durationStatistics.p90,
    P95_DURATION: (n) => n.statistics.durationStatistics.p95,
    P99_DURATION: (n) => n.statistics.durationStatistics.p99,
    SUCCESS_RATE: (n) => n.statistics.successRate,
    FAILED_RATE: (n) => n.statistics.failedRate,
    CANCELED_RATE: (n) => percent(EXPECTED[n.name]!.counts[2], Number(n.statistics.count)),
  };
  for (const [key, value] of Object.entries(SORTS)) {
    for (const direction of ['ASC', 'DESC'] as const) {
      it(`sort: ${key}_${direction} orders by it, ties by name`, async () => {
        const { nodes } = await jobAnalytics(`sort: ${key}_${direction}`);
        const expected = [...nodes].sort((a, b) => {
          const [x, y] = [value(a), value(b)];
          const primary = x === y ? 0 : x < y ? -1 : 1;
          return (direction === 'DESC' ? -primary : primary) || (a.name < b.name ? -1 : 1);
        });
        expect(nodes.map((n) => n.name)).toEqual(expected.map((n) => n.name));
        expect(nodes).toHaveLength(5);
      });
    }
  }

  it('known orders: MEAN_DURATION_DESC, SUCCESS_RATE_ASC, STAGE_NAME_ASC', async () => {
    expect((await jobAnalytics('sort: MEAN_DURATION_DESC')).nodes.map((n) => n.name)).toEqual([
      'e2e-chrome',
      'unit',
      'compile',
      'lint',
      'deploy',
    ]);
    expect((await jobAnalytics('sort: SUCCESS_RATE_ASC')).nodes.map((n) => n.name)).toEqual([
      'e2e-chrome',
      'unit',
      'lint',
      'compile',
      'deploy',
    ]);
    expect((await jobAnalytics('sort: STAGE_NAME_ASC')).nodes.map((n) => n.stageName)).toEqual(['build', 'deploy', 'e2e', 'test', 'test']);
  });

  it('cursor pages forward and backward neither skip nor repeat', async () => {
    const all = (await jobAnalytics('sort: MEAN_DURATION_ASC')).nodes.map((n) => n.name);
    const forward: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const c: Connection = await jobAnalytics(`sort: MEAN_DURATION_ASC, first: 2${after ? `, after: "${after}"` : ''}`);
      forward.push(...c.edges.map((e) => e.node.name));
      expect(c.pageInfo.hasPreviousPage).toBe(page > 0);
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    expect(forward).toEqual(all);
    const backward: string[] = [];
    let before: string | null = null;
    for (let page = 0; page < 10; page++) {
      const c: Connection = await jobAnalytics(`sort: MEAN_DURATION_ASC, last: 2${before ? `, before: "${before}"` : ''}`);
      backward.unshift(...c.edges.map((e) => e.node.name));
      if (!c.pageInfo.hasPreviousPage) break;
      before = c.pageInfo.startCursor;
    }
    expect(backward).toEqual(all);
  });

  it('refuses a page above 100 and a forged cursor with GraphQL errors, not 500s', async () => {
    for (const args of ['first: 101', 'after: "not-a-cursor"', 'sort: NOPE']) {
      const error = await jobAnalytics(args).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ClientError);
      expect((error as ClientError).response.status).toBeLessThan(500);
    }
  });
});

describe('pipelineAnalytics aggregate and timeSeries', () => {
  const query = `query($fromTime: Time, $toTime: Time) { project(fullPath: "55") { id fullPath pipelineAnalytics(fromTime: $fromTime, toTime: $toTime) {
    aggregate { label count success: count(status: SUCCESS) failed: count(status: FAILED) other: count(status: OTHER) durationStatistics { mean p50 } }
    day: timeSeries(period: DAY) { label count success: count(status: SUCCESS) durationStatistics { mean } }
    week: timeSeries(period: WEEK) { label count }
    month: timeSeries(period: MONTH) { label count }
  } } }`;

  it('counts pipelines per status and their durations (seconds), per day, ISO week and month; numeric id works', async () => {
    const data = await client.request<{ project: { id: string; fullPath: string; pipelineAnalytics: Record<string, unknown> } }>(
      query,
      WINDOW,
    );
    expect(data.project.id).toBe('gid://gitlab/Project/55');
    expect(data.project.fullPath).toBe('team/jobs');
    expect(data.project.pipelineAnalytics).toEqual({
      // durations 40, 40, 45, 100 s
      aggregate: { label: null, count: '4', success: '2', failed: '1', other: '1', durationStatistics: { mean: 56.25, p50: 42.5 } },
      day: [
        { label: '2024-05-01', count: '2', success: '1', durationStatistics: { mean: 40 } },
        { label: '2024-05-02', count: '1', success: '1', durationStatistics: { mean: 45 } },
        { label: '2024-05-03', count: '1', success: '0', durationStatistics: { mean: 100 } },
      ],
      week: [{ label: '2024-04-29', count: '4' }],
      month: [{ label: '2024-05-01', count: '4' }],
    });
  });

  it('fromTime defaults to one week ago: nothing of 2024 is in it', async () => {
    const data = await client.request<{ project: { pipelineAnalytics: { aggregate: { count: string } } } }>(
      '{ project(fullPath: "team/jobs") { pipelineAnalytics { aggregate { count } } } }',
    );
    expect(data.project.pipelineAnalytics.aggregate.count).toBe('0');
  });

  it('toTime is exclusive: a window ending at a pipeline start leaves it out', async () => {
    const data = await client.request<{ project: { pipelineAnalytics: { aggregate: { count: string } } } }>(
      '{ project(fullPath: "team/jobs") { pipelineAnalytics(fromTime: "2024-05-01T00:00:00Z", toTime: "2024-05-01T16:00:00Z") { aggregate { count } } } }',
    );
    expect(data.project.pipelineAnalytics.aggregate.count).toBe('1');
  });

  it('an unknown project is null, as GitLab answers', async () => {
    const data = await client.request<{ project: unknown }>('{ project(fullPath: "nobody/here") { id } }');
    expect(data.project).toBeNull();
  });
});
