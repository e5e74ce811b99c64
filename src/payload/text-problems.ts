/** A string (value or object key) that fails a text check, and where it is. */
export interface TextProblem {
  path: (string | number)[];
  problem: string;
}

/**
 * Every string value and object key of parsed JSON checked with `check` (null = fine), depth
 * first in document order; stops after `limit` problems (bounded work for hostile input).
 * A bad key is reported at its own path and its value is not visited.
 */
export function findTextProblems(value: unknown, check: (text: string) => string | null, limit: number): TextProblem[] {
  const found: TextProblem[] = [];
  visit(value, [], check, limit, found);
  return found;
}

function visit(
  value: unknown,
  path: (string | number)[],
  check: (text: string) => string | null,
  limit: number,
  found: TextProblem[],
): void {
  if (typeof value === 'string') {
    const problem = check(value);
    if (problem !== null) found.push({ path, problem });
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length && found.length < limit; i++) visit(value[i], [...path, i], check, limit, found);
  } else if (value !== null && typeof value === 'object') {
    for (const key in value) {
      if (found.length >= limit) break;
      const problem = check(key);
      if (problem !== null) found.push({ path: [...path, key], problem });
      else visit((value as Record<string, unknown>)[key], [...path, key], check, limit, found);
    }
  }
}
