/**
 * Text longer than the payload schema allows is cut to `max` UTF-16 units (a surrogate pair at
 * the cut is not split), never rejected: a job or section with an over-long name keeps its data.
 */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 1] ?? '') ? max - 1 : max;
  return text.slice(0, end);
}

/** Like cut; null and undefined pass through. */
export function cutOptional<T extends null | undefined>(text: string | T, max: number): string | T {
  return typeof text === 'string' ? cut(text, max) : text;
}

/** Timings keyed by name with every key cut to `max`; values of keys that collide after cutting are summed. */
export function cutKeys(timings: Record<string, number>, max: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, seconds] of Object.entries(timings)) {
    const key = cut(name, max);
    out[key] = Object.hasOwn(out, key) ? out[key]! + seconds : seconds;
  }
  return out;
}

/** Schema limits the builder cuts to (see schema.ts). */
export const MAX = { name: 255, status: 64, runnerType: 64, description: 1024, url: 2048, yamlErrors: 10_000, manager: 64 } as const;
