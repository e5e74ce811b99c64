import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { capIssues, formatIssues, ISSUE_LIMIT, parseOrThrow } from '../src/validate.js';
import type { ValidationError } from '../src/errors.js';

describe('error lists are capped', () => {
  it('capIssues keeps the first 50 and counts the rest', () => {
    const lines = Array.from({ length: 120 }, (_, i) => `f${i}: bad`);
    const capped = capIssues(lines);
    expect(capped).toHaveLength(ISSUE_LIMIT + 1);
    expect(capped.slice(0, 2)).toEqual(['f0: bad', 'f1: bad']);
    expect(capped.at(-1)).toBe('… 70 more');
    expect(capIssues(lines.slice(0, 50))).toEqual(lines.slice(0, 50));
  });

  it('formatIssues shows 50 zod issues and "… N more"', () => {
    const result = z.array(z.number()).safeParse(Array.from({ length: 300 }, () => 'x'));
    const lines = formatIssues(result.error!);
    expect(lines).toHaveLength(51);
    expect(lines[0]).toBe('[0]: Invalid input: expected number, received string');
    expect(lines[50]).toBe('… 250 more');
  });

  it('parseOrThrow lists every issue (capped) by default and stops at the first with stopEarly', () => {
    const schema = z.object({ a: z.array(z.number()) });
    const input = { a: Array.from({ length: 10_000 }, () => 'x') };
    const all = (() => {
      try {
        parseOrThrow(schema, input, 'input');
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect(all?.issues).toHaveLength(51);
    expect(all?.issues.at(-1)).toBe('… 9950 more');
    const early = (() => {
      try {
        parseOrThrow(schema, input, 'input', { stopEarly: true });
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect(early?.issues).toEqual(['a[0]: Invalid input: expected number, received string']);
    expect(parseOrThrow(schema, { a: [1, 2] }, 'input', { stopEarly: true })).toEqual({ a: [1, 2] });
  });
});
