import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../migrate/discover.js';

/** The example query files shipped in the package (examples/queries/NAME.yaml). */
const DIR = join(packageRoot(), 'examples', 'queries');
const NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Names of the shipped examples, e.g. `job-table`. */
export function exampleQueryNames(): string[] {
  return existsSync(DIR)
    ? readdirSync(DIR)
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => f.slice(0, -5))
        .sort()
    : [];
}

/** For --help: `job-table, failures-per-day, …`. */
export const EXAMPLE_QUERIES_NOTE = exampleQueryNames().join(', ');

/** `query job-table`: the shipped file of that name, when `arg` is no file of its own. */
export function exampleQueryPath(arg: string): string | undefined {
  if (!NAME.test(arg) || existsSync(arg)) return undefined;
  const file = join(DIR, `${arg}.yaml`);
  return existsSync(file) ? file : undefined;
}
