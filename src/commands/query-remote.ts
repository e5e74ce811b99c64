import type { QueryContext } from '../analytics/context.js';
import { UsageError } from '../errors.js';
import type { ResultCell } from '../analytics/result.js';

/**
 * `query --url`: the query file as seed 002's `pipelineAnalytics(query:)` of our server's
 * /graphql; the context flags become the field's arguments. With `--project` the project's field
 * is asked (path or numeric id), else the server-wide one.
 */
export const PROJECT_QUERY_DOCUMENT = /* GraphQL */ `
  query pipelineMetricsQuery(
    $fullPath: ID!
    $fromTime: Time
    $toTime: Time
    $source: CiPipelineSources
    $ref: String
    $query: AnalyticsQueryInput!
  ) {
    project(fullPath: $fullPath) {
      pipelineAnalytics(fromTime: $fromTime, toTime: $toTime, source: $source, ref: $ref, query: $query) {
        columns {
          name
        }
        values
        errors
      }
    }
  }
`;

export const ALL_PROJECTS_DOCUMENT = /* GraphQL */ `
  query pipelineMetricsQuery($fromTime: Time, $toTime: Time, $source: CiPipelineSources, $ref: String, $query: AnalyticsQueryInput!) {
    pipelineAnalytics(fromTime: $fromTime, toTime: $toTime, source: $source, ref: $ref, query: $query) {
      columns {
        name
      }
      values
      errors
    }
  }
`;

interface AnalyticsAnswer {
  columns: { name: string }[];
  values: ResultCell[][];
  errors: string[];
}

export type RemoteAnswer = { project?: { pipelineAnalytics: AnalyticsAnswer } | null; pipelineAnalytics?: AnalyticsAnswer };

/** Sends a document with variables (src/graphql-client's requestGraphql). */
export type GraphqlSender = (document: string, variables: Record<string, unknown>) => Promise<RemoteAnswer>;

export async function runRemoteQuery(
  input: unknown,
  context: QueryContext,
  project: string | undefined,
  send: GraphqlSender,
): Promise<{ columns: string[]; rows: ResultCell[][]; errors: string[] }> {
  const variables = {
    query: input,
    fromTime: context.fromTime.toISOString(),
    toTime: context.toTime.toISOString(),
    ...(context.source !== undefined && { source: context.source.toUpperCase() }),
    ...(context.ref !== undefined && { ref: context.ref }),
    ...(project !== undefined && { fullPath: project }),
  };
  const answer = await send(project === undefined ? ALL_PROJECTS_DOCUMENT : PROJECT_QUERY_DOCUMENT, variables);
  const result = project === undefined ? answer.pipelineAnalytics : answer.project?.pipelineAnalytics;
  if (!result) throw unknownProject(project!);
  return { columns: result.columns.map((c) => c.name), rows: result.values, errors: result.errors };
}

/** The same message locally and through a server (which also answers null for a project the token may not read). */
export function unknownProject(project: string): UsageError {
  return new UsageError(`--project: no pipeline of project ${JSON.stringify(project)} is stored (or the token may not read it)`);
}
