import type { GraphQLResolveInfo } from 'graphql';
import type { PipelinePeriod, QueryContext } from '../../analytics/index.js';
import type { StoredProject } from '../../store/clickhouse/index.js';
import { mayReadProject } from './access.js';
import type { GraphqlContext } from './context.js';
import { graphqlError, toGraphqlError } from './errors.js';
import { DEFAULT_SORT, paginate, sortStats, type PageArgs } from './job-page.js';
import { loadJobStats, MAX_NAME_SEARCH, type DurationKey, type JobStats } from './job-stats.js';
import { loadPeriods, type PeriodStats } from './pipeline-periods.js';
import { AnalyticsValueScalar, BigIntScalar, DurationScalar, TimeScalar } from './scalars.js';
import { runSeedQuery, type SeedResult } from './seed-query.js';
import { selectsField } from './selection.js';
import { countOf, msToSeconds, rateOf, type JobStatus, type StatusCounts } from './statistics.js';
import { windowContext, type WindowArgs } from './window.js';

interface AnalyticsNode {
  scope: QueryContext;
  query: unknown;
  seed?: Promise<SeedResult>;
}
type Resolver<P, A, R> = (parent: P, args: A, context: GraphqlContext, info: GraphQLResolveInfo) => R | Promise<R>;

/** Every resolver's failure becomes a GraphQL error with the CLI's text (never a 500). */
function guarded<P, A, R>(resolve: Resolver<P, A, R>): Resolver<P, A, R> {
  return async (parent, args, context, info) => {
    try {
      return await resolve(parent, args, context, info);
    } catch (error) {
      throw toGraphqlError(error, context.signal, context.guards.budgetSeconds);
    }
  };
}

/** `fullPath` as stored, or a numeric project id; null when not stored or not readable with the token. */
async function findReadableProject(fullPath: string, context: GraphqlContext): Promise<StoredProject | null> {
  const key = /^\d{1,15}$/.test(fullPath) ? Number(fullPath) : fullPath;
  if (typeof key === 'string' && key.length > 1024) return null;
  const project = await context.source.findProject(key);
  return project && mayReadProject(context.access, project.fullPath) ? project : null;
}

function analytics(args: WindowArgs & { query?: unknown }, project: StoredProject | undefined, context: GraphqlContext): AnalyticsNode {
  return { scope: windowContext(args, project, context), query: args.query };
}

function seedOf(node: AnalyticsNode, context: GraphqlContext): Promise<SeedResult> {
  node.seed ??= runSeedQuery(node.query, node.scope, context);
  return node.seed;
}

interface JobArgs extends WindowArgs, PageArgs {
  nameSearch?: string | null;
}

async function jobAnalytics(project: StoredProject, args: JobArgs, context: GraphqlContext, info: GraphQLResolveInfo) {
  if (args.nameSearch != null && args.nameSearch.length > MAX_NAME_SEARCH) {
    throw graphqlError(`nameSearch: must be at most ${MAX_NAME_SEARCH} characters`, 'INVALID_QUERY', {
      issues: [`nameSearch: must be at most ${MAX_NAME_SEARCH} characters`],
    });
  }
  const sort = args.sort ?? DEFAULT_SORT;
  const withStage = selectsField(info, 'stageName') || sort.startsWith('STAGE_NAME');
  const scope = windowContext(args, project, context);
  const stats = await loadJobStats(scope, { ...(args.nameSearch ? { nameSearch: args.nameSearch } : {}), withStage }, context);
  const page = paginate(sortStats(stats, sort), { ...args, sort });
  return { edges: page.edges, nodes: page.edges.map((e) => e.node), pageInfo: page.pageInfo };
}

const statusArg = (args: { status?: JobStatus | null }): JobStatus => args.status ?? 'ANY';
const jobCounts = (s: JobStats): StatusCounts => ({ total: s.total, success: s.success, failed: s.failed, other: s.canceled + s.skipped });
const seconds = (key: DurationKey) => (parent: Record<DurationKey, number | null>) => msToSeconds(parent[key]);

export const resolvers = {
  Time: TimeScalar,
  BigInt: BigIntScalar,
  Duration: DurationScalar,
  AnalyticsValue: AnalyticsValueScalar,
  Query: {
    project: guarded((_: unknown, args: { fullPath: string }, context) => findReadableProject(args.fullPath, context)),
    pipelineAnalytics: guarded((_: unknown, args: WindowArgs & { query?: unknown }, context) => {
      if (context.access.projectPatterns) {
        throw graphqlError(
          'pipelineAnalytics without a project needs a read token not limited to project paths; use project(fullPath:)',
          'FORBIDDEN',
        );
      }
      return analytics(args, undefined, context);
    }),
  },
  Project: {
    id: (project: StoredProject) => `gid://gitlab/Project/${project.id}`,
    fullPath: (project: StoredProject) => project.fullPath,
    pipelineAnalytics: guarded((project: StoredProject, args: WindowArgs & { query?: unknown }, context) =>
      analytics(args, project, context),
    ),
    jobAnalytics: guarded(jobAnalytics),
  },
  PipelineAnalytics: {
    columns: guarded(async (node: AnalyticsNode, _: unknown, context) => (await seedOf(node, context)).columns),
    values: guarded(async (node: AnalyticsNode, _: unknown, context) => (await seedOf(node, context)).values),
    errors: guarded(async (node: AnalyticsNode, _: unknown, context) => (await seedOf(node, context)).errors),
    aggregate: guarded(async (node: AnalyticsNode, _: unknown, context) => (await loadPeriods(node.scope, undefined, context))[0]),
    timeSeries: guarded((node: AnalyticsNode, args: { period: 'DAY' | 'WEEK' | 'MONTH' }, context) =>
      loadPeriods(node.scope, args.period.toLowerCase() as PipelinePeriod, context),
    ),
  },
  PipelineAnalyticsPeriod: {
    label: (period: PeriodStats) => period.label,
    count: (period: PeriodStats, args: { status?: JobStatus | null }) => String(countOf(period.counts, statusArg(args))),
    durationStatistics: (period: PeriodStats) => period.durationsMs,
  },
  CiJobAnalytics: {
    name: (stats: JobStats) => stats.name,
    stageName: (stats: JobStats) => stats.stageName,
    statistics: (stats: JobStats) => stats,
  },
  CiJobAnalyticsStatistics: {
    count: (stats: JobStats, args: { status?: JobStatus | null }) => String(countOf(jobCounts(stats), statusArg(args))),
    rate: (stats: JobStats, args: { status?: JobStatus | null }) => rateOf(jobCounts(stats), statusArg(args)),
    durationStatistics: (stats: JobStats) => stats.durationsMs,
  },
  CiDurationStatistics: {
    mean: seconds('mean'),
    p50: seconds('p50'),
    p75: seconds('p75'),
    p90: seconds('p90'),
    p95: seconds('p95'),
    p99: seconds('p99'),
  },
};
