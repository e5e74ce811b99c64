import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Payload } from '../payload/schema.js';

/** Default fallback name, relative to the working directory, so CI can keep it as an artifact. */
export function defaultFallbackPath(pipelineId: number): string {
  return `pipeline-metrics-payload-${pipelineId}.json`;
}

/**
 * Writes the payload (pretty JSON, ready for `pipeline-metrics push FILE`) when a delivery
 * failed. Returns the absolute path, or the reason the file could not be written.
 */
export async function savePayloadFallback(
  payload: Payload,
  file: string | undefined,
  cwd: string,
): Promise<{ path: string; error?: string }> {
  const path = resolve(cwd, file ?? defaultFallbackPath(payload.pipeline_id));
  try {
    await writeFile(path, `${JSON.stringify(payload, null, 2)}\n`);
    return { path };
  } catch (error) {
    return { path, error: error instanceof Error ? error.message : String(error) };
  }
}
