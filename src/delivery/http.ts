import {
  prefixReasons,
  retryWithBackoff,
  systemClock,
  DEFAULT_BACKOFF,
  type AttemptResult,
  type Clock,
  type RetryListener,
} from '../retry/backoff.js';
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
 * POSTs one JSON text, byte for byte, to a `/save_metrics` endpoint. 200 `{"status":"created"}` = created,
 * 208 `{"status":"duplicate"}` = duplicate; other 4xx (but 408/429) = rejected with the
 * server's message; network errors, timeouts, 5xx, 408 and 429 are retried (honouring
 * Retry-After, and RateLimit-Reset on 429) until the budget is spent. Redirects are never
 * followed (fetch would turn the POST into a GET of the new address): a 3xx, like any other
 * 2xx or a 200/208 without that body (a proxy's or login page), is a misconfiguration, `rejected`.
 */
export async function postPayload(json: string, options: HttpDeliveryOptions): Promise<TargetOutcome> {
  const doFetch = options.fetch ?? fetch;
  const clock = options.clock ?? systemClock;
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
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason = describeNetworkError(error, timeoutMs);
      return { done: false, reason, last: { ...base, status: 'unreachable', detail: reason, attempts: 0 } };
    }
    return classifyResponse(response, base, clock, options.method ?? 'POST');
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
  method: 'POST' | 'PUT',
): Promise<AttemptResult<TargetOutcome>> {
  const status = response.status;
  const text = await response.text().catch(() => '');
  const common = { ...base, httpStatus: status, attempts: 0 };
  const acknowledged = acknowledgement(status, text, method);
  if (acknowledged === 'created') return { done: true, value: { ...common, status: 'created', detail: `HTTP ${status} created` } };
  if (acknowledged === 'duplicate') return { done: true, value: { ...common, status: 'duplicate', detail: 'HTTP 208 already stored' } };
  const misconfigured = notAMetricsAnswer(status, response.headers, text, base.target);
  if (misconfigured) return { done: true, value: { ...common, status: 'rejected', detail: misconfigured } };
  const message = `HTTP ${status}${serverMessage(text) ? `: ${serverMessage(text)}` : ''}`;
  if (status >= 500 || status === 408 || status === 429) {
    const last: TargetOutcome = { ...common, status: 'unreachable', detail: message };
    const asked = serverRequestedDelay(status, response.headers, Date.now(), clock.random);
    return { done: false, reason: message, retryAfterMs: asked ?? undefined, last };
  }
  return { done: true, value: { ...common, status: 'rejected', detail: message } };
}

/** `created` / `duplicate` only for the documented answers: 200 `{"status":"created"}`, 208 `{"status":"duplicate"}`. */
function acknowledgement(status: number, text: string, method: 'POST' | 'PUT'): 'created' | 'duplicate' | undefined {
  // POST /save_metrics: 200 created, 208 duplicate. PUT /pipelines/:id/metrics (backfill's
  // refresh): 200 refreshed (a delivery of the new snapshot), 201 created
  const accepted: Record<number, readonly string[]> =
    method === 'PUT' ? { 200: ['refreshed'], 201: ['created'] } : { 200: ['created'], 208: ['duplicate'] };
  const allowed = accepted[status];
  if (!allowed) return undefined;
  try {
    const said = (JSON.parse(text) as { status?: unknown } | null)?.status;
    if (typeof said !== 'string' || !allowed.includes(said)) return undefined;
    return said === 'duplicate' ? 'duplicate' : 'created';
  } catch {
    return undefined;
  }
}

/** A 3xx, or a 2xx that is not an acknowledgement: the URL does not point at a metrics server. */
function notAMetricsAnswer(status: number, headers: Headers, text: string, requested: string): string | undefined {
  if (status >= 300 && status < 400) {
    const location = headers.get('location');
    const where = location
      ? redactUrl(URL.canParse(location, requested) ? new URL(location, requested).href : location)
      : '(no Location header)';
    return `HTTP ${status} redirect to ${where}: a delivery never follows redirects; set --url to the final address`;
  }
  if (status < 200 || status >= 300) return undefined;
  const sample = text.trim().slice(0, 200) || '(empty body)';
  return `HTTP ${status} is not an answer of a pipeline-metrics server (expected 200 {"status":"created"} or 208 {"status":"duplicate"}), got: ${sample}; check --url`;
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
