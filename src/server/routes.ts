import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { StorablePayloadSchema, type Payload } from '../payload/schema.js';
import type { SaveOutcome } from '../store/types.js';
import type { BackfillSink } from '../store/stored-state.js';
import { parseOrThrow } from '../validate.js';
import { classifyStoreError, StoreTimeoutError } from '../store/store-errors.js';
import { UpstreamError } from '../errors.js';

/** What the request log line reports beyond method/url/status. */
export interface RequestNotes {
  outcome?: string;
  pipelineId?: number;
  error?: string;
}

export interface RouteDeps {
  sinks: BackfillSink[];
  /** undefined = no authentication configured */
  isAuthorized?: (authorization: string | undefined) => boolean;
  storeTimeoutMs: number;
  notes: WeakMap<FastifyRequest, RequestNotes>;
}

/**
 * The bearer-token check of every write and read route. It runs before the body is read: an
 * unauthenticated client cannot make us parse.
 */
export function bearerGuard({ isAuthorized, notes }: Pick<RouteDeps, 'isAuthorized' | 'notes'>) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!isAuthorized || isAuthorized(request.headers.authorization)) return;
    notes.set(request, { outcome: 'unauthorized' });
    await reply
      .code(401)
      .header('www-authenticate', 'Bearer')
      .send({ errors: ['(authorization): missing or invalid bearer token'] });
  };
}

export function registerRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { notes } = deps;
  app.post('/save_metrics', {
    onRequest: bearerGuard(deps),
    handler: async (request, reply) => {
      const claimed = (request.body as { pipeline_id?: unknown } | null)?.pipeline_id;
      if (Number.isSafeInteger(claimed)) notes.set(request, { pipelineId: claimed as number });
      const payload = parseOrThrow(StorablePayloadSchema, request.body, 'payload', { stopEarly: true });
      const outcome = await saveEverywhere(deps.sinks, payload, deps.storeTimeoutMs);
      notes.set(request, { pipelineId: payload.pipeline_id, outcome });
      return reply.code(outcome === 'created' ? 200 : 208).send({ status: outcome });
    },
  });

  app.get('/healthz', async (request, reply) => {
    try {
      await Promise.all(deps.sinks.map((sink) => withTimeout(sink.ping(), Math.min(deps.storeTimeoutMs, 5_000))));
      return reply.code(200).send({ status: 'ok' });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      notes.set(request, { outcome: 'unavailable', error: message });
      return reply.code(503).send({ status: 'unavailable', errors: [`database unavailable: ${message}`] });
    }
  });
}

/**
 * Writes to the sinks in order; the first (Postgres) decides created vs duplicate. The others are
 * written after it, also when it answers duplicate: a retry of a request whose ClickHouse write
 * failed after Postgres committed (answered 503) completes the ClickHouse side — its save is
 * idempotent — and a payload the first store refuses reaches no other store.
 */
async function saveEverywhere(sinks: BackfillSink[], payload: Payload, timeoutMs: number): Promise<SaveOutcome> {
  return withTimeout(saveInOrder(sinks, payload), timeoutMs);
}

async function saveInOrder(sinks: BackfillSink[], payload: Payload): Promise<SaveOutcome> {
  const [first, ...rest] = sinks;
  // the later stores may batch this save with others while the first one is written
  const withdraw = rest.map((sink) => sink.announceSave?.());
  try {
    const outcome = first ? await first.save(payload) : 'duplicate';
    for (const [i, sink] of rest.entries()) {
      await writeAfterFirst(payload.pipeline_id, () => {
        withdraw[i]?.();
        return sink.save(payload);
      });
    }
    return outcome;
  } finally {
    for (const done of withdraw) done?.();
  }
}

/**
 * A write to a store after the first one has committed (save or refresh): a refusal stays a
 * refusal (400), any other failure is "try again" (503) — the retry completes this store.
 */
export async function writeAfterFirst(pipelineId: number, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (classifyStoreError(error).kind === 'rejected') throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new UpstreamError(`pipeline ${pipelineId} is stored in the first store only: ${reason}`, { cause: error });
  }
}

/** Rejects with StoreTimeoutError after `ms` milliseconds; the timer never keeps the process alive. */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreTimeoutError(ms)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
