/** The ClickHouse tables the store writes (names as GitLab's, plus our sections table). */
export const BUILDS_TABLE = 'ci_finished_builds';
export const PIPELINES_TABLE = 'ci_finished_pipelines';
export const SECTIONS_TABLE = 'ci_finished_build_sections';
