import type { z } from 'zod';
import { capIssues, formatPath, ISSUE_LIMIT } from '../validate.js';

/** A path into the query input: `['metrics', 2, 'function']` renders as `metrics[2].function`. */
export type Path = readonly (string | number)[];

/**
 * A user string quoted for a message: JSON-escaped, with every non-ASCII character as \uXXXX so
 * look-alikes and zero-width characters show; at most 64 characters of the original.
 */
export function quote(text: string): string {
  const shown = JSON.stringify(text.length > 64 ? text.slice(0, 64) : text).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return text.length > 64 ? `${shown}…` : shown;
}

/**
 * Collects the problems found in one validation pass, as `path: message` lines: the first
 * ISSUE_LIMIT are kept, the rest only counted (`… N more`), so a hostile file costs bounded memory.
 */
export class IssueList {
  readonly #lines: string[] = [];
  #more = 0;

  add(path: Path, message: string): void {
    if (this.#lines.length < ISSUE_LIMIT) this.#lines.push(`${formatPath(path)}: ${message}`);
    else this.#more++;
  }

  addZod(prefix: Path, error: z.ZodError): void {
    for (const issue of error.issues) {
      this.add([...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], issue.message);
    }
  }

  get lines(): readonly string[] {
    return capIssues(this.#lines, this.size);
  }

  get size(): number {
    return this.#lines.length + this.#more;
  }
}
