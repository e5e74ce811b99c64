/** The ClickHouse tables the store writes (names as GitLab's, plus our sections table): the query catalog's. */
export { BUILDS_TABLE, PIPELINES_TABLE, SECTIONS_TABLE } from '../../analytics/catalog.js';
