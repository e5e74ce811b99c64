import type { RawJobNode } from './job-graph.js';
import { gidNumber } from './graphql.js';

/** What one job waits for, by job name. `dependsOn`: needs (DAG) or the previous stage's jobs. */
export interface JobGraphNode {
  name: string;
  stage: string;
  /** GitLab's `schedulingType`: `dag` (has needs) or `stage` */
  schedulingType: string;
  needs: readonly string[];
  /** every job read in the stage before this job's (shared by the jobs of a stage) */
  previousStageJobs: readonly string[];
}

/**
 * GraphQL job nodes (latest attempts, any order) → one node per job name, newest job id first.
 * A node's `previousStageJobs` names one job of the previous stage (GitLab caps the connection
 * at 100, so one is asked for); it stands for every job read in that job's stage. A named job
 * that was not read stands for itself.
 */
export function assembleJobGraph(raw: readonly RawJobNode[]): JobGraphNode[] {
  const unique = uniqueByName(newestFirst(raw));
  const stageOf = new Map(unique.map((n) => [n.name!, n.stage?.name ?? '']));
  const byStage = new Map<string, string[]>();
  for (const node of unique) {
    const stage = stageOf.get(node.name!)!;
    const jobs = byStage.get(stage) ?? [];
    jobs.push(node.name!);
    byStage.set(stage, jobs);
  }
  const names = (value: RawJobNode['needs']) => (value?.nodes ?? []).flatMap((n) => (n ? [n.name] : []));
  return unique.map((node) => {
    const previous = names(node.previousStageJobs)[0];
    const previousStage = previous === undefined ? undefined : stageOf.get(previous);
    return {
      name: node.name!,
      stage: stageOf.get(node.name!)!,
      schedulingType: node.schedulingType ?? 'stage',
      needs: names(node.needs),
      previousStageJobs: previous === undefined ? [] : previousStage === undefined ? [previous] : byStage.get(previousStage)!,
    };
  });
}

/** By the numeric job id at the end of the global id (`gid://gitlab/Ci::Build/123`), descending. */
function newestFirst(raw: readonly RawJobNode[]): RawJobNode[] {
  const idOf = (n: RawJobNode) => gidNumber(n.id) ?? -1;
  return [...raw].sort((a, b) => idOf(b) - idOf(a));
}

/** The first node of a name wins: every attempt of a job has the same needs and stage. */
function uniqueByName(raw: readonly RawJobNode[]): RawJobNode[] {
  const seen = new Set<string>();
  return raw.filter((n) => Boolean(n.name) && !seen.has(n.name!) && Boolean(seen.add(n.name!)));
}
