import type { QueryGuard, QueryResult, RunnableQuery, StoredProject } from '../../store/clickhouse/index.js';
import type { QueryLimits } from '../../analytics/index.js';
import type { ReadAccess } from './access.js';

/** What /graphql needs of the ClickHouse store (src/store/clickhouse's ClickhouseStore has it). */
export interface AnalyticsSource {
  runQuery(query: RunnableQuery, guard?: QueryGuard): Promise<QueryResult>;
  findProject(pathOrId: string | number): Promise<StoredProject | undefined>;
}

/** Bounds of one /graphql request. */
export interface GraphqlGuards {
  /** whole-request budget, seconds; also ClickHouse's max_execution_time of each query */
  budgetSeconds: number;
  /** the compiler's limits (maxLimit also caps max_result_rows) */
  limits: QueryLimits;
}

/** Per-request context handed to every resolver. */
export interface GraphqlContext {
  source: AnalyticsSource;
  access: ReadAccess;
  guards: GraphqlGuards;
  /** aborted when the client goes away or the budget ends */
  signal: AbortSignal;
  now: Date;
}

/** The guard every analytics query of this request runs under. */
export function queryGuard(context: GraphqlContext): QueryGuard {
  return {
    maxExecutionSeconds: context.guards.budgetSeconds,
    // one more row than any compiled query may ask for: LIMIT decides, this only catches a bug
    maxResultRows: context.guards.limits.maxLimit + 1,
    signal: context.signal,
  };
}
