import { expect } from 'vitest';
import { UsageError } from '../../src/errors.js';

/** The problem lines of the UsageError `run` throws (one per line after the heading); fails when it throws none. */
export function usageProblems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message
      .split('\n')
      .slice(1)
      .map((l) => l.trim());
  }
  throw new Error('expected a UsageError');
}
