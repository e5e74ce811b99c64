/** The ClickHouse tables the store writes (names as GitLab's, plus our sections table): the query catalog's. */
export { BUILDS_TABLE, PIPELINES_TABLE, SECTIONS_TABLE } from '../../analytics/catalog.js';

/** The store's own bookkeeping, not queryable: one row per refresh of a pipeline (migration 0005). */
export const REFRESHES_TABLE = 'ci_pipeline_refreshes';
