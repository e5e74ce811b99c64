import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { formatIssues } from '../validate.js';
import { parseJsonOrYaml } from './json-or-yaml.js';

/**
 * The `collect` config file (`--config FILE`): JSON or YAML, the same settings as the flags in
 * camelCase. Lists may be arrays or space/comma-separated strings. Flags and environment win.
 */
const list = z.union([z.array(z.string()), z.string()]);
const scalar = z.union([z.string(), z.number()]);

export const CollectFileSchema = z.strictObject({
  gitlabUrl: z.string().optional(),
  token: z.string().optional(),
  project: scalar.optional(),
  pipeline: scalar.optional(),
  defaultBranch: z.string().optional(),
  jobId: scalar.optional(),
  e2eStage: z.string().optional(),
  e2eExclude: list.optional(),
  buildStage: z.string().optional(),
  buildJobs: list.optional(),
  steps: list.optional(),
  optimistic: z.boolean().optional(),
  logs: z.string().optional(),
  output: z.string().optional(),
  timeout: scalar.optional(),
  concurrency: scalar.optional(),
  downstream: z.boolean().optional(),
  downstreamDepth: scalar.optional(),
  downstreamMax: scalar.optional(),
});
export type CollectFile = z.infer<typeof CollectFileSchema>;

export const COLLECT_FILE_KEYS = Object.keys(CollectFileSchema.shape);

/** Parses file text (YAML is a superset of JSON); problems are returned, not thrown. */
export async function parseCollectFile(text: string, path: string): Promise<{ file: CollectFile; problems: string[] }> {
  const parsed = await parseJsonOrYaml(text);
  if (!parsed.ok) throw new UsageError(`config file ${path} is neither JSON nor YAML: ${parsed.message}`);
  const data = parsed.data;
  const result = CollectFileSchema.safeParse(data ?? {});
  if (result.success) return { file: result.data, problems: [] };
  const problems = formatIssues(result.error).map((line) => `config file ${path}: ${line}`);
  if (result.error.issues.some((issue) => issue.code === 'unrecognized_keys')) {
    problems.push(`config file ${path}: allowed keys are ${COLLECT_FILE_KEYS.join(', ')}`);
  }
  return { file: validKeys(data), problems };
}

/** The keys of an invalid file that are valid on their own, so every other problem still shows. */
function validKeys(data: unknown): CollectFile {
  if (typeof data !== 'object' || data === null) return {};
  const shape = CollectFileSchema.shape;
  const entries = Object.entries(data).filter(([key, value]) => key in shape && shape[key as keyof typeof shape].safeParse(value).success);
  return Object.fromEntries(entries) as CollectFile;
}

export async function readCollectFile(path: string): Promise<{ file: CollectFile; problems: string[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new UsageError(`config file ${path} cannot be read: ${(cause as Error).message}`, { cause });
  }
  return parseCollectFile(text, path);
}
