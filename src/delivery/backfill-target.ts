import type { DeliveryTargets } from '../config/push.js';
import { UpstreamError, EXIT } from '../errors.js';
import type { Payload } from '../payload/schema.js';
import { STORED_STATES, type BackfillSink, type StoredState } from '../store/stored-state.js';
import { postPayload, serverMessage } from './http.js';
import { describeStoreSpec, openClickhouseSink, openPostgresSink } from './open-store.js';
import { exitCodeOfStatus, isDelivered } from './outcome.js';
import { retryOpenStore } from './store.js';
import type { RetryListener } from '../retry/backoff.js';
import { redactUrl } from '../redact-url.js';

/**
 * One place `backfill` writes to — a metrics server, or a Postgres / ClickHouse opened once for
 * the whole run — with the two questions backfill asks: which of these ids are stored (one
 * request or query per listed page), and write this collected pipeline (stored when missing,
 * refreshed when its stored snapshot is a running one or `--refresh-all`).
 */
export interface BackfillTarget {
  /** no secrets */
  readonly description: string;
  storedStates(ids: readonly number[]): Promise<Map<number, StoredState>>;
  write(payload: Payload, stored: StoredState | undefined): Promise<void>;
  close(): Promise<void>;
}

export interface BackfillTargetDeps {
  fetch?: typeof fetch;
  /** told before each wait of a database read or write retried during an outage */
  onStoreRetry?: RetryListener;
  openPostgres?: (spec: string) => Promise<BackfillSink>;
  openClickhouse?: (spec: string) => Promise<BackfillSink>;
}

/** Opens every configured target; on a failure the ones already open are closed. */
export async function openBackfillTargets(targets: DeliveryTargets, deps: BackfillTargetDeps = {}): Promise<BackfillTarget[]> {
  const opened: BackfillTarget[] = [];
  try {
    if (targets.url) opened.push(httpTarget(targets, deps.fetch ?? globalThis.fetch));
    if (targets.postgres)
      opened.push(sinkTarget(targets.postgres, await (deps.openPostgres ?? openPostgresSink)(targets.postgres), targets.totalMs, deps));
    if (targets.clickhouse)
      opened.push(
        sinkTarget(targets.clickhouse, await (deps.openClickhouse ?? openClickhouseSink)(targets.clickhouse), targets.totalMs, deps),
      );
    return opened;
  } catch (error) {
    await Promise.allSettled(opened.map((t) => t.close()));
    throw error;
  }
}

function sinkTarget(spec: string, sink: BackfillSink, totalMs: number, deps: BackfillTargetDeps): BackfillTarget {
  const description = describeStoreSpec(spec);
  const budget = { target: description, totalMs, onRetry: deps.onStoreRetry };
  return {
    description,
    // the rule of `push` (storeFailureOf): an outage is retried within --push-timeout, a store
    // not set up is exit 2 naming `migrate`, a refused value exit 3
    storedStates: (ids) => retryOpenStore(() => sink.storedStates(ids), budget),
    async write(payload, stored) {
      await retryOpenStore(async () => {
        if (stored === undefined) await sink.save(payload);
        else if ((await sink.refresh(payload)) === 'missing') await sink.save(payload);
      }, budget);
    },
    close: () => sink.close(),
  };
}

function httpTarget(targets: DeliveryTargets, doFetch: typeof fetch): BackfillTarget {
  const endpoint = targets.url!;
  const base = endpoint.replace(/\/save_metrics$/, '');
  const description = redactUrl(base);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (targets.token) headers.authorization = `Bearer ${targets.token}`;
  return {
    description,
    async storedStates(ids) {
      const response = await doFetch(`${base}/pipelines/known`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ pipeline_ids: ids }),
        signal: AbortSignal.timeout(targets.totalMs),
      });
      const text = await response.text();
      if (!response.ok) {
        const exitCode = response.status >= 500 ? EXIT.unreachable : EXIT.rejected;
        throw new UpstreamError(`${description}/pipelines/known answered HTTP ${response.status}: ${serverMessage(text)}`, {
          status: response.status,
          exitCode,
        });
      }
      return parseKnown(text, description);
    },
    async write(payload, stored) {
      const url = stored === undefined ? endpoint : `${base}/pipelines/${payload.pipeline_id}/metrics`;
      const outcome = await postPayload(JSON.stringify(payload), {
        url,
        token: targets.token,
        totalMs: targets.totalMs,
        fetch: doFetch,
        method: stored === undefined ? 'POST' : 'PUT',
      });
      if (isDelivered(outcome)) return;
      throw new UpstreamError(`${outcome.target}: ${outcome.status} (${outcome.detail})`, {
        status: outcome.httpStatus,
        exitCode: exitCodeOfStatus(outcome.status),
      });
    },
    close: async () => undefined,
  };
}

function parseKnown(text: string, base: string): Map<number, StoredState> {
  let body: { pipelines?: Record<string, unknown> };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = {};
  }
  const entries = Object.entries(body.pipelines ?? { invalid: true });
  const states = new Map<number, StoredState>();
  for (const [id, state] of entries) {
    if (!/^\d+$/.test(id) || !(STORED_STATES as readonly unknown[]).includes(state)) {
      throw new UpstreamError(
        `${base}/pipelines/known answered an unexpected body (is the server older than this backfill?): ${text.slice(0, 200)}`,
        { exitCode: EXIT.rejected },
      );
    }
    states.set(Number(id), state as StoredState);
  }
  return states;
}
