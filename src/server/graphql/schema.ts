/**
 * The GraphQL schema served at `/graphql`, schema-first. Names, types and semantics follow
 * GitLab 18.9 where GitLab has them (`Project.jobAnalytics`, `PipelineAnalytics.aggregate` /
 * `timeSeries`) and seed 002 where the seed has them (`pipelineAnalytics(query:)` with
 * `columns values errors`, the `Analytics*Input` types).
 */
export const SCHEMA_SDL = /* GraphQL */ `
  "ISO 8601 date-time, e.g. 2024-05-01T00:00:00Z (UTC unless an offset is given)."
  scalar Time
  "A 64-bit integer, serialized as a decimal string (GitLab's BigInt)."
  scalar BigInt
  "A duration in seconds (float), as GitLab's Duration."
  scalar Duration
  "One result cell of an analytics query: a string, number, boolean or null (64-bit integers beyond 2^53 as strings)."
  scalar AnalyticsValue

  type Query {
    "A project by full path (group/project) as stored with its pipelines, or by numeric id. Null when nothing of it is stored."
    project(fullPath: ID!): Project
    "The seed's free-form query over every project the token may read (no project scope)."
    pipelineAnalytics(fromTime: Time, toTime: Time, source: CiPipelineSources, ref: String, query: AnalyticsQueryInput): PipelineAnalytics
  }

  type Project {
    "gid://gitlab/Project/<id>"
    id: ID!
    fullPath: ID!
    "Analytics of the pipelines started in [fromTime, toTime) (fromTime defaults to one week ago, toTime to now)."
    pipelineAnalytics(fromTime: Time, toTime: Time, source: CiPipelineSources, ref: String, query: AnalyticsQueryInput): PipelineAnalytics
    "GitLab 18.9's job analytics: one node per job name (and stage when stageName is selected)."
    jobAnalytics(
      nameSearch: String
      ref: String
      source: CiPipelineSources
      fromTime: Time
      toTime: Time
      sort: CiJobAnalyticsSort
      first: Int
      after: String
      last: Int
      before: String
    ): CiJobAnalyticsConnection
  }

  "Pipelines started in [fromTime, toTime) of the project (or of every project the token may read)."
  type PipelineAnalytics {
    "Seed 002: the columns of the query argument's result (names and types)."
    columns: [AnalyticsColumn!]
    "Seed 002: the rows as ordered arrays, in the order of columns."
    values: [[AnalyticsValue]!]
    "Seed 002: problems reported with a result (an invalid query is a GraphQL error instead)."
    errors: [String!]
    "GitLab: counts and durations of the pipelines in the window."
    aggregate: PipelineAnalyticsPeriod
    "GitLab: the same per DAY, WEEK (ISO, Monday) or MONTH (UTC), by the pipeline's started_at."
    timeSeries(period: PipelineAnalyticsAggregation!): [PipelineAnalyticsPeriod!]
  }

  type AnalyticsColumn {
    name: String!
    "string, number, time or bool"
    type: String!
    "dimension or metric"
    kind: String!
  }

  type PipelineAnalyticsPeriod {
    "The period's first day (YYYY-MM-DD, UTC); null for aggregate."
    label: String
    count(status: PipelineAnalyticsJobStatus = ANY): BigInt
    durationStatistics: CiDurationStatistics
  }

  enum PipelineAnalyticsAggregation {
    DAY
    WEEK
    MONTH
  }

  "ANY: every status; OTHER: canceled or skipped."
  enum PipelineAnalyticsJobStatus {
    ANY
    SUCCESS
    FAILED
    OTHER
  }

  "Seconds, rounded to 2 decimals."
  type CiDurationStatistics {
    mean: Duration
    p50: Duration
    p75: Duration
    p90: Duration
    p95: Duration
    p99: Duration
  }

  type CiJobAnalyticsConnection {
    nodes: [CiJobAnalytics]
    edges: [CiJobAnalyticsEdge]
    pageInfo: PageInfo!
  }

  type CiJobAnalyticsEdge {
    cursor: String!
    node: CiJobAnalytics
  }

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  type CiJobAnalytics {
    name: String
    stageName: String
    statistics: CiJobAnalyticsStatistics
  }

  type CiJobAnalyticsStatistics {
    "Builds of the status (ANY: all)."
    count(status: PipelineAnalyticsJobStatus = ANY): BigInt
    "Percentage 0-100, 2 decimals. SUCCESS and FAILED divide by success + failed; OTHER and ANY by all builds."
    rate(status: PipelineAnalyticsJobStatus = ANY): Float
    durationStatistics: CiDurationStatistics
  }

  enum CiJobAnalyticsSort {
    NAME_ASC
    NAME_DESC
    STAGE_NAME_ASC
    STAGE_NAME_DESC
    MEAN_DURATION_ASC
    MEAN_DURATION_DESC
    P50_DURATION_ASC
    P50_DURATION_DESC
    P75_DURATION_ASC
    P75_DURATION_DESC
    P90_DURATION_ASC
    P90_DURATION_DESC
    P95_DURATION_ASC
    P95_DURATION_DESC
    P99_DURATION_ASC
    P99_DURATION_DESC
    SUCCESS_RATE_ASC
    SUCCESS_RATE_DESC
    FAILED_RATE_ASC
    FAILED_RATE_DESC
    CANCELED_RATE_ASC
    CANCELED_RATE_DESC
  }

  "GitLab's pipeline sources; stored lower-case (PUSH = push)."
  enum CiPipelineSources {
    UNKNOWN
    PUSH
    WEB
    TRIGGER
    SCHEDULE
    API
    EXTERNAL
    PIPELINE
    CHAT
    WEBIDE
    MERGE_REQUEST_EVENT
    EXTERNAL_PULL_REQUEST_EVENT
    PARENT_PIPELINE
    ONDEMAND_DAST_SCAN
    ONDEMAND_DAST_VALIDATION
    SECURITY_ORCHESTRATION_POLICY
    CONTAINER_REGISTRY_PUSH
    DUO_WORKFLOW
    PIPELINE_EXECUTION_POLICY_SCHEDULE
  }

  "Seed 002's query input; the same as a query file of the CLI."
  input AnalyticsQueryInput {
    "builds (default) or sections"
    table: String
    dimensions: [AnalyticsDimensionInput]
    "at least one metric is needed, like count"
    metrics: [AnalyticsMetricInput!]
    filter: [AnalyticsFilterInput]
    "items, or the seed's lists of items"
    orderBy: [[AnalyticsOrderByInput]]
    limit: Int
    offset: Int
  }

  input AnalyticsDimensionInput {
    column: String!
    "minute, hour, day, week or month, for a time column"
    granularity: String
    as: String
  }

  input AnalyticsMetricInput {
    "count, avg, quantile(0.95), countIf, rateIf, …"
    function: String!
    column: String
    "the condition of an -If function (the seed calls it filter)"
    filter: [AnalyticsFilterInput]
    condition: [AnalyticsFilterInput]
    as: String
  }

  input AnalyticsFilterInput {
    column: String!
    operator: String!
    "a string, number, boolean, or a list of them for IN / NOT IN"
    value: AnalyticsValue
  }

  input AnalyticsOrderByInput {
    column: String!
    desc: Boolean
    "true by default; false means descending"
    asc: Boolean
  }
`;
