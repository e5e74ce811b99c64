/**
 * GitLab's completed statuses (Ci::HasStatus::COMPLETED_STATUSES): a job or pipeline in one of
 * them no longer changes. `scope=finished` lists these pipelines; ci_finished_builds holds these
 * builds.
 */
export const COMPLETED_STATUSES = ['success', 'failed', 'canceled', 'skipped'] as const;

export function isCompleted(status: string | null | undefined): boolean {
  return (COMPLETED_STATUSES as readonly string[]).includes(status ?? '');
}
