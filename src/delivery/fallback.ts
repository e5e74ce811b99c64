import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';

/** Default fallback name, relative to the working directory, so CI can keep it as an artifact. */
export function defaultFallbackPath(pipelineId: number): string {
  return `pipeline-metrics-payload-${pipelineId}.json`;
}

/** The absolute fallback path: `file` (from --save-on-failure) or the default name, resolved against `cwd`. */
export function fallbackPath(pipelineId: number, file: string | undefined, cwd: string): string {
  return resolve(cwd, file ?? defaultFallbackPath(pipelineId));
}

/**
 * Writes what a failed delivery was to send: exactly those bytes (for `push` the input as read,
 * unknown fields and all; nothing re-serialized), ready for `pipeline-metrics push FILE`.
 * Returns the path, or the reason it could not be written.
 */
export async function savePayloadFallback(path: string, body: string): Promise<{ path: string; error?: string }> {
  try {
    await writeFile(path, body);
    return { path };
  } catch (error) {
    return { path, error: error instanceof Error ? error.message : String(error) };
  }
}
