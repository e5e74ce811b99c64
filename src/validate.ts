import type { z } from 'zod';
import { ValidationError } from './errors.js';

/** Error lists (replies, messages) show at most this many `path: message` lines, then "… N more". */
export const ISSUE_LIMIT = 50;

/**
 * zod's parse option to stop at the first problem that ends a value's validation (zod's own
 * `schema.validate()` sets it; it is not in the public ParseContext type). A valid input parses
 * exactly as without it; an invalid one costs a few issues instead of one per bad field, so a
 * hostile 4 MiB body is answered in bounded time (issue #9 item 7).
 */
const STOP_EARLY = {
  abortEarly: true,
} as z.core.ParseContext<z.core.$ZodIssue>;

/**
 * The first ISSUE_LIMIT lines, then `… N more` when `total` (default: the lines given; more when
 * the caller kept only the first ones) is larger: the one form of a capped problem list.
 */
export function capIssues(lines: readonly string[], total = lines.length): string[] {
  const shown = lines.slice(0, ISSUE_LIMIT);
  return total > shown.length ? [...shown, `… ${total - shown.length} more`] : shown;
}

/** A field path as messages show it: `['metrics', 2, 'function']` → `metrics[2].function`; empty → `(root)`. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

/** Formats zod issues as `path: message` lines (at most ISSUE_LIMIT, see capIssues); the root is `(root)`. */
export function formatIssues(error: z.ZodError): string[] {
  const shown = error.issues.slice(0, ISSUE_LIMIT).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  return capIssues(shown, error.issues.length);
}

/**
 * `safeParse` at a boundary: returns the data or throws a ValidationError listing the issues
 * (capped, see formatIssues). With `stopEarly` (request bodies: any client can send
 * megabytes of bad fields) validation stops at the first problems (STOP_EARLY) and the error
 * names those, not every one.
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  subject: string,
  options: { stopEarly?: boolean } = {},
): z.infer<S> {
  const result = options.stopEarly ? schema.safeParse(input, STOP_EARLY) : schema.safeParse(input);
  if (!result.success) throw new ValidationError(subject, formatIssues(result.error));
  return result.data;
}
