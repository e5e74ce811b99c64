import type { z } from 'zod';
import { ValidationError } from './errors.js';

/** Formats zod issues as `path: message` lines; the root is shown as `(root)`. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.length
      ? issue.path
          .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`))
          .join('')
      : '(root)';
    return `${path}: ${issue.message}`;
  });
}

/** `safeParse` at a boundary: returns the data or throws a ValidationError listing every issue. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, subject: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(subject, formatIssues(result.error));
  return result.data;
}
