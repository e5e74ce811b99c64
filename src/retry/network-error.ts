/**
 * A fetch failure in a few words for messages: `request timed out after 2.0 s` for an aborted
 * attempt (AbortSignal.timeout), else `network error: ECONNREFUSED` (undici puts the system
 * error in `cause`).
 */
export function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (isTimeout(error)) {
    return `request timed out after ${(timeoutMs / 1000).toFixed(1)} s`;
  }
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const why = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return `network error: ${why}`;
}

/** Whether a fetch failed because its AbortSignal.timeout fired. */
export function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}
