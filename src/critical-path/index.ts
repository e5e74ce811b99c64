/** Critical path of a pipeline (pure): graph types, the computation, payload annotation. */
export type { CriticalPath, GraphAttempt, PathStep, PipelineGraph } from './graph.js';
export { computeCriticalPath } from './compute.js';
export { withCriticalPath, withCriticalPaths } from './from-payload.js';
