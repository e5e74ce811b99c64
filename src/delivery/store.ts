import type { Payload } from '../payload/schema.js';
import type { PayloadSink } from '../store/types.js';
import { classifyStoreError } from '../store/store-errors.js';
import { prefixReasons, retryWithBackoff, systemClock, DEFAULT_BACKOFF, type AttemptResult, type Clock, type RetryListener } from '../retry/backoff.js';
import type { TargetKind, TargetOutcome } from './outcome.js';

export interface StoreDeliveryOptions {
  kind: Exclude<TargetKind, 'http'>;
  /** shown in messages; no secrets */
  target: string;
  open: () => Promise<PayloadSink>;
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
 * The sink is always closed.
 */
export async function saveToStore(payload: Payload, options: StoreDeliveryOptions): Promise<TargetOutcome> {
  const base = { kind: options.kind, target: options.target };
  let sink: PayloadSink | undefined;
  const attempt = async (): Promise<AttemptResult<TargetOutcome>> => {
    try {
      sink ??= await options.open();
      const saved = await sink.save(payload);
      const detail = saved === 'created' ? 'stored' : 'already stored';
      return { done: true, value: { ...base, status: saved, detail, attempts: 0 } };
    } catch (error) {
      const failure = classifyStoreError(error);
      if (failure.kind === 'rejected') {
        return { done: true, value: { ...base, status: 'rejected', detail: failure.errors.join('\n  '), attempts: 0 } };
      }
      const last: TargetOutcome = { ...base, status: 'unreachable', detail: failure.message, attempts: 0 };
      if (failure.kind === 'failed') return { done: true, value: last };
      await closeQuietly(sink);
      sink = undefined;
      return { done: false, reason: last.detail, last };
    }
  };
  try {
    const policy = { ...DEFAULT_BACKOFF, totalMs: options.totalMs, onRetry: prefixReasons(options.onRetry, options.target) };
    const { value, attempts, exhausted } = await retryWithBackoff(attempt, policy, options.clock ?? systemClock);
    const detail = exhausted ? `${value.detail} (gave up after ${attempts} attempt${attempts === 1 ? '' : 's'})` : value.detail;
    return { ...value, detail, attempts };
  } finally {
    await closeQuietly(sink);
  }
}

async function closeQuietly(sink: PayloadSink | undefined): Promise<void> {
  try {
    await sink?.close();
  } catch {
    // closing a broken connection may fail; the outcome is already decided
  }
}
