import type { Payload } from '../payload/schema.js';
import type { PayloadSink } from '../store/types.js';
import { EXIT, PipelineMetricsError, UpstreamError, type ExitCode } from '../errors.js';
import { classifyStoreError } from '../store/store-errors.js';
import {
  prefixReasons,
  retryWithBackoff,
  systemClock,
  DEFAULT_BACKOFF,
  type AttemptResult,
  type Clock,
  type RetryListener,
} from '../retry/backoff.js';
import { exitCodeOfStatus, isDelivered, type TargetKind, type TargetOutcome } from './outcome.js';

export interface StoreDeliveryOptions {
  kind: Exclude<TargetKind, 'http'>;
  /** shown in messages; no secrets */
  target: string;
  /** opens the store; `waitMs` = what is left of the budget (an embedded directory in use is waited for that long) */
  open: (waitMs: number) => Promise<PayloadSink>;
  /** total budget for all attempts and waits, milliseconds */
  totalMs: number;
  clock?: Clock;
  /** told before each retry wait; reasons start with the target */
  onRetry?: RetryListener;
}

/**
 * Writes one payload straight to a store with the code the server uses. A store that cannot be
 * reached (open or save failing as "unavailable") is retried with backoff inside the budget;
 * a value the database refuses is `rejected`; anything else fails at once as `unreachable`.
 * The sink is always closed, and `created`/`duplicate` is reported only once it closed cleanly
 * (an embedded engine has then written and released its files); a failed close turns the
 * outcome into `unreachable`, so the payload is kept for a resend.
 */
export async function saveToStore(payload: Payload, options: StoreDeliveryOptions): Promise<TargetOutcome> {
  const base = { kind: options.kind, target: options.target };
  let sink: PayloadSink | undefined;
  const attempt = async (remainingMs: number): Promise<AttemptResult<TargetOutcome>> => {
    try {
      sink ??= await options.open(remainingMs);
      const saved = await sink.save(payload);
      const detail = saved === 'created' ? 'stored' : 'already stored';
      return { done: true, value: { ...base, status: saved, detail, attempts: 0 } };
    } catch (error) {
      const failure = storeFailureOf(error);
      const last: TargetOutcome = { ...base, status: failure.status, detail: failure.detail, attempts: 0 };
      if (!failure.retry) return { done: true, value: last };
      await closeQuietly(sink);
      sink = undefined;
      return { done: false, reason: last.detail, last };
    }
  };
  let result: Awaited<ReturnType<typeof retryWithBackoff<TargetOutcome>>>;
  try {
    const policy = { ...DEFAULT_BACKOFF, totalMs: options.totalMs, onRetry: prefixReasons(options.onRetry, options.target) };
    result = await retryWithBackoff(attempt, policy, options.clock ?? systemClock);
  } catch (error) {
    await closeQuietly(sink);
    throw error;
  }
  const { value, attempts, exhausted } = result;
  const closeError = await closeReporting(sink);
  if (closeError && isDelivered(value)) {
    const detail = `written, but closing the store failed, so the write may not be durable: ${closeError}`;
    return { ...value, status: 'unreachable', detail, attempts };
  }
  const detail = exhausted ? `${value.detail} (gave up after ${attempts} attempt${attempts === 1 ? '' : 's'})` : value.detail;
  return { ...value, detail, attempts };
}

/** What a failed store write means for the writer: its status, one line (lines for `rejected`), and whether to retry. */
interface StoreWriteFailure {
  status: Exclude<TargetOutcome['status'], 'created' | 'duplicate'>;
  detail: string;
  /** the store could not be reached or answer now: retrying inside the budget may succeed */
  retry: boolean;
}

/**
 * The one reading of a failed store open / save / refresh for every writer (`push`, `backfill`):
 * a refused value is `rejected`; an outage is `unreachable` and retried; anything else fails at
 * once, a typed error keeping its meaning — exit 2 `misconfigured` (e.g. unmigrated, naming
 * `migrate`) or 3 `rejected` (e.g. wrong password) — and an untyped one `unreachable`.
 */
function storeFailureOf(error: unknown): StoreWriteFailure {
  const failure = classifyStoreError(error);
  if (failure.kind === 'rejected') return { status: 'rejected', detail: failure.errors.join('\n  '), retry: false };
  if (failure.kind === 'unavailable') return { status: 'unreachable', detail: failure.message, retry: true };
  return { status: statusOfFailure(error), detail: failure.message, retry: false };
}

/**
 * Runs `call` (a save, refresh or stored-state query) against a store that is already open
 * (backfill keeps one open for the run), retrying it with backoff inside `totalMs` while the
 * store is unavailable, as `saveToStore` does (`onRetry` is told before each wait). Resolves with its result; otherwise rejects with an
 * UpstreamError whose exit code is the failure's (`exitCodeOfStatus`) and whose message starts
 * with `target`.
 */
export async function retryOpenStore<T>(
  call: () => Promise<T>,
  options: { target: string; totalMs: number; onRetry?: RetryListener },
): Promise<T> {
  const attempt = async (): Promise<AttemptResult<{ result?: T; failure?: StoreWriteFailure; error?: unknown }>> => {
    try {
      return { done: true, value: { result: await call() } };
    } catch (error) {
      const failure = storeFailureOf(error);
      if (!failure.retry) return { done: true, value: { failure, error } };
      return { done: false, reason: failure.detail, last: { failure, error } };
    }
  };
  const policy = { ...DEFAULT_BACKOFF, totalMs: options.totalMs, onRetry: prefixReasons(options.onRetry, options.target) };
  const { value, attempts, exhausted } = await retryWithBackoff(attempt, policy, systemClock);
  if (!value.failure) return value.result as T;
  const gaveUp = exhausted ? ` (gave up after ${attempts} attempt${attempts === 1 ? '' : 's'})` : '';
  throw new UpstreamError(`${options.target}: ${value.failure.detail}${gaveUp}`, {
    exitCode: exitCodeOfStatus(value.failure.status),
    cause: value.error,
  });
}

/** The exit code a failure counts with: a typed error keeps 3 (rejected) or 2 (not set up, e.g. unmigrated); anything else is 4, try again. */
export function exitCodeOfFailure(error: unknown): ExitCode {
  return exitCodeOfStatus(statusOfFailure(error));
}

/** A typed error that is not an outage keeps its meaning: exit 2 (e.g. unmigrated) or 3 (e.g. wrong password). */
function statusOfFailure(error: unknown): StoreWriteFailure['status'] {
  if (!(error instanceof PipelineMetricsError)) return 'unreachable';
  if (error.exitCode === EXIT.usage) return 'misconfigured';
  return error.exitCode === EXIT.rejected ? 'rejected' : 'unreachable';
}

/** Closes the sink; returns why it failed, or undefined. */
async function closeReporting(sink: PayloadSink | undefined): Promise<string | undefined> {
  try {
    await sink?.close();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

async function closeQuietly(sink: PayloadSink | undefined): Promise<void> {
  try {
    await sink?.close();
  } catch {
    // closing a broken connection may fail; the outcome is already decided
  }
}
