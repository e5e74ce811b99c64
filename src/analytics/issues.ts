import type { z } from 'zod';

/** A path into the query input: `['metrics', 2, 'function']` renders as `metrics[2].function`. */
export type Path = readonly (string | number)[];

export function formatPath(path: Path): string {
  if (path.length === 0) return '(root)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${p}`)).join('');
}

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

/** Collects every problem found in one validation pass, as `path: message` lines. */
export class IssueList {
  readonly #lines: string[] = [];

  add(path: Path, message: string): void {
    this.#lines.push(`${formatPath(path)}: ${message}`);
  }

  addZod(prefix: Path, error: z.ZodError): void {
    for (const issue of error.issues) {
      this.add([...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], issue.message);
    }
  }

  get lines(): readonly string[] {
    return this.#lines;
  }

  get size(): number {
    return this.#lines.length;
  }
}
