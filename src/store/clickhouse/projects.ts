import type { ClickhouseHandle } from './client.js';
import { wrapClickhouseError } from './errors.js';
import { PIPELINES_TABLE } from '../../analytics/catalog.js';

/** A project as stored with its pipelines (ci_finished_pipelines.project_id / project_path). */
export interface StoredProject {
  id: number;
  /** full path, e.g. `group/sub/project`; '' when only the id was ever stored */
  fullPath: string;
}

/**
 * Looks a project up by full path (`group/project`) or numeric id among the stored pipelines;
 * undefined when none of its pipelines is stored. The path is a bound parameter.
 */
export async function findProject(handle: ClickhouseHandle, pathOrId: string | number): Promise<StoredProject | undefined> {
  const byId = typeof pathOrId === 'number';
  const where = byId ? 'project_id = {key:UInt64}' : 'project_path = {key:String}';
  try {
    const result = await handle.client.query({
      query: `SELECT project_id, argMax(project_path, started_at) AS path FROM ${PIPELINES_TABLE} WHERE ${where} AND project_id > 0 GROUP BY project_id ORDER BY project_id LIMIT 1`,
      query_params: { key: pathOrId },
      format: 'JSONCompact',
    });
    const body = await result.json<[string | number, string]>();
    const row = body.data[0];
    return row ? { id: Number(row[0]), fullPath: row[1] } : undefined;
  } catch (error) {
    throw wrapClickhouseError(error, `looking up project ${JSON.stringify(pathOrId)}`, handle.description);
  }
}
