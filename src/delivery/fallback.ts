import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';

/** Default fallback name, relative to the working directory, so CI can keep it as an artifact. */
export function defaultFallbackPath(pipelineId: number): string {
  return `pipeline-metrics-payload-${pipelineId}.json`;
}

/**
 * Writes the payload when a delivery failed: exactly the bytes that were to be sent (for `push`
 * the input as read, unknown fields and all; nothing re-serialized), ready for
 * `pipeline-metrics push FILE`. Returns the absolute path, or the reason it could not be written.
 */
export async function savePayloadFallback(
  pipelineId: number,
  body: string,
  file: string | undefined,
  cwd: string,
): Promise<{ path: string; error?: string }> {
  const path = resolve(cwd, file ?? defaultFallbackPath(pipelineId));
  try {
    await writeFile(path, body);
    return { path };
  } catch (error) {
    return { path, error: error instanceof Error ? error.message : String(error) };
  }
}
