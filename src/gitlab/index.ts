/** The GitLab boundary: the only module that talks to the GitLab API. */
export { createGitlabClient, type GitlabClient, type GitlabClientOptions } from './client.js';
export { fetchPipelineHierarchy, type DownstreamLimits, type HierarchyResult } from './hierarchy.js';
export { fetchPipelineSnapshot, projectPathFromWebUrl, type SnapshotRequest } from './snapshot.js';
export type { RequestStats } from './requester.js';
export type { RequestTarget, TokenInfo } from './http-errors.js';
export { fetchJobGraph, type JobGraphNode, type JobGraphRequest, type JobGraphResult } from './job-graph.js';
export { graphqlUrl } from './graphql.js';
