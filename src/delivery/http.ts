import { prefixReasons, retryWithBackoff, systemClock, DEFAULT_BACKOFF, type AttemptResult, type Clock, type RetryListener } from '../retry/backoff.js';
import { describeNetworkError } from '../retry/network-error.js';
import { serverRequestedDelay } from '../retry/server-delay.js';
import type { TargetOutcome } from './outcome.js';
import { redactUrl } from '../redact-url.js';

export interface HttpDeliveryOptions {
  /** full endpoint, already ending in `/save_metrics` */
  url: string;
  token?: string;
  /** total budget for all attempts and waits, milliseconds */
  totalMs: number;
  /** cap of one attempt, milliseconds */
  attemptTimeoutMs?: number;
  fetch?: typeof fetch;
  clock?: Clock;
  /** told before each retry wait; reasons start with the target */
  onRetry?: RetryListener;
  /** POST (default, /save_metrics) or PUT (backfill's `/pipelines/:id/metrics`, 200 replaced / 201 created) */
  method?: 'POST' | 'PUT';
}

const MAX_DETAIL_CHARS = 4_000;

/**
 * POSTs one JSON body to a `/save_metrics` endpoint. 200 = created, 208 = duplicate,
 * other 4xx (but 408/429) = rejected with the server's message; network errors, timeouts,
 * 5xx, 408 and 429 are retried (honouring Retry-After, and RateLimit-Reset on 429) until the
 * budget is spent.
 */
export async function postPayload(body: unknown, options: HttpDeliveryOptions): Promise<TargetOutcome> {
  const doFetch = options.fetch ?? fetch;
  const clock = options.clock ?? systemClock;
  const json = JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const base = { kind: 'http' as const, target: redactUrl(options.url) };

  const attempt = async (remainingMs: number): Promise<AttemptResult<TargetOutcome>> => {
    const timeoutMs = Math.max(1, Math.floor(Math.min(options.attemptTimeoutMs ?? 10_000, remainingMs)));
    let response: Response;
    try {
      response = await doFetch(options.url, {
        method: options.method ?? 'POST',
        headers,
        body: json,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason = describeNetworkError(error, timeoutMs);
      return { done: false, reason, last: { ...base, status: 'unreachable', detail: reason, attempts: 0 } };
    }
    return classifyResponse(response, base, clock);
  };

  const policy = { ...DEFAULT_BACKOFF, totalMs: options.totalMs, onRetry: prefixReasons(options.onRetry, base.target) };
  const { value, attempts, exhausted } = await retryWithBackoff(attempt, policy, clock);
  const detail = exhausted ? `${value.detail} (gave up after ${attempts} attempt${attempts === 1 ? '' : 's'})` : value.detail;
  return { ...value, detail, attempts };
}

async function classifyResponse(
  response: Response,
  base: Pick<TargetOutcome, 'kind' | 'target'>,
  clock: Clock,
): Promise<AttemptResult<TargetOutcome>> {
  const status = response.status;
  const text = await response.text().catch(() => '');
  const common = { ...base, httpStatus: status, attempts: 0 };
  if (status === 200) return { done: true, value: { ...common, status: 'created', detail: 'HTTP 200 created' } };
  if (status === 201) return { done: true, value: { ...common, status: 'created', detail: 'HTTP 201 created' } };
  if (status === 208) return { done: true, value: { ...common, status: 'duplicate', detail: 'HTTP 208 already stored' } };
  const message = `HTTP ${status}${serverMessage(text) ? `: ${serverMessage(text)}` : ''}`;
  if (status >= 500 || status === 408 || status === 429) {
    const last: TargetOutcome = { ...common, status: 'unreachable', detail: message };
    const asked = serverRequestedDelay(status, response.headers, Date.now(), clock.random);
    return { done: false, reason: message, retryAfterMs: asked ?? undefined, last };
  }
  return { done: true, value: { ...common, status: 'rejected', detail: message } };
}

/** The server's explanation: our `{ errors: [...] }` list, a `{ message }`, or the raw text. */
export function serverMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { errors?: unknown; message?: unknown; error?: unknown };
    if (Array.isArray(body.errors) && body.errors.length) return `\n  ${body.errors.map(String).join('\n  ')}`;
    if (typeof body.message === 'string') return body.message;
    if (typeof body.error === 'string') return body.error;
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.trim().slice(0, MAX_DETAIL_CHARS);
}
