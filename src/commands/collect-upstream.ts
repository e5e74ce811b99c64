import type { CollectConfig } from '../config/collect.js';
import type { GitlabClient, HierarchyResult } from '../gitlab/index.js';
import { fetchUpstreamChain, TRIGGERED_SOURCES } from '../gitlab/upstream.js';

export interface UpstreamPlacement {
  /** one line for the user: where the pipeline was placed, or why it is stored as a root */
  note?: string;
  /** GraphQL requests made */
  requests: number;
}

/**
 * When the collected pipeline was itself triggered by another pipeline (a collector in the last
 * stage of a child pipeline), places it in its hierarchy as the root's own collection would have:
 * its parent pipeline and trigger job, and the root above them (GraphQL `Pipeline.upstream`, level
 * by level, then the parent's bridges); its downstream pipelines get the same root, and it gets no
 * `hierarchyDuration` (only a root has one). Never throws: a chain it cannot read (CI_JOB_TOKEN,
 * a project the token cannot see) leaves the pipeline a root, with a note saying so.
 */
export async function placeUnderUpstream(
  client: GitlabClient,
  hierarchy: HierarchyResult,
  config: Pick<CollectConfig, 'gitlabUrl' | 'token' | 'tokenInfo' | 'timeoutMs'>,
  fetch?: typeof globalThis.fetch,
): Promise<UpstreamPlacement> {
  const [collected, ...below] = hierarchy.snapshots;
  const { id, iid, source } = collected!.pipeline;
  if (!TRIGGERED_SOURCES.has(source ?? '')) return { requests: 0 };
  const asRoot = (why: string) => `pipeline ${id} was triggered by another pipeline (source ${source}), ${why}: stored as a root pipeline`;
  if (config.tokenInfo.kind === 'job')
    return { requests: 0, note: asRoot('but CI_JOB_TOKEN cannot read its upstream (GraphQL); set GITLAB_TOKEN (read_api)') };
  if (iid === undefined) return { requests: 0, note: asRoot('but GitLab did not send its iid') };
  let requests = 0;
  try {
    const chain = await fetchUpstreamChain({
      apiUrl: config.gitlabUrl,
      token: config.token,
      projectPath: collected!.projectPath,
      pipelineIid: iid,
      source: source!,
      timeoutMs: config.timeoutMs,
      ...(fetch && { fetch }),
      onRequest: () => requests++,
    });
    // never empty: a pipeline with a triggered source whose upstream GitLab does not name throws
    const [parent, root] = [chain[0]!, chain.at(-1)!];
    const bridges = await client.forProject(parent.projectPath).listBridges(parent.id);
    const bridge = bridges.find((b) => b.downstream_pipeline?.id === id);
    if (!bridge) return { requests, note: asRoot(`but no trigger job of pipeline ${parent.id} names it`) };
    collected!.parent = { pipelineId: parent.id, bridgeId: bridge.id, rootPipelineId: root.id };
    delete collected!.hierarchyDuration;
    for (const snapshot of below) if (snapshot.parent) snapshot.parent.rootPipelineId = root.id;
    return {
      requests,
      note: `pipeline ${id} is a downstream pipeline: stored under pipeline ${parent.id} (trigger job "${bridge.name}" #${bridge.id}), root pipeline ${root.id}`,
    };
  } catch (error) {
    return { requests, note: asRoot(`but its upstream could not be read (${(error as Error).message.split('\n')[0]})`) };
  }
}
