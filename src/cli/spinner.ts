import type { CliIO } from './output.js';

/**
 * Runs `task` with a spinner on stderr, only on a terminal (stdout stays data only); `text`
 * undefined = no spinner. On failure the spinner shows `failText` when given, else disappears.
 * A pseudo-terminal reporting 0 columns makes ora redraw forever: no spinner there either.
 */
export async function withSpinner<T>(io: CliIO, text: string | undefined, task: () => Promise<T>, failText?: string): Promise<T> {
  if (!io.isTTY || text === undefined || !((process.stderr.columns ?? 0) > 0)) return task();
  const { default: ora } = await import('ora');
  const spinner = ora({ text, stream: process.stderr }).start();
  try {
    const result = await task();
    spinner.stop();
    return result;
  } catch (error) {
    if (failText) spinner.fail(failText);
    else spinner.stop();
    throw error;
  }
}
