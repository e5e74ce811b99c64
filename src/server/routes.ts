import type { FastifyInstance, FastifyRequest } from 'fastify';
import { StorablePayloadSchema, type Payload } from '../payload/schema.js';
import type { PayloadSink, SaveOutcome } from '../store/types.js';
import { parseOrThrow } from '../validate.js';
import { StoreTimeoutError } from '../store/store-errors.js';

/** What the request log line reports beyond method/url/status. */
export interface RequestNotes {
  outcome?: string;
  pipelineId?: number;
  error?: string;
}

export interface RouteDeps {
  sinks: PayloadSink[];
  /** undefined = no authentication configured */
  isAuthorized?: (authorization: string | undefined) => boolean;
  storeTimeoutMs: number;
  notes: WeakMap<FastifyRequest, RequestNotes>;
}

export function registerRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { notes, isAuthorized } = deps;
  app.post('/save_metrics', {
    // authentication runs before the body is read: an unauthenticated client cannot make us parse
    onRequest: async (request, reply) => {
      if (!isAuthorized || isAuthorized(request.headers.authorization)) return;
      notes.set(request, { outcome: 'unauthorized' });
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ errors: ['(authorization): missing or invalid bearer token'] });
    },
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

/** Writes to every sink at once; the first sink's answer decides created vs duplicate. */
async function saveEverywhere(sinks: PayloadSink[], payload: Payload, timeoutMs: number): Promise<SaveOutcome> {
  const outcomes = await withTimeout(Promise.all(sinks.map((sink) => sink.save(payload))), timeoutMs);
  return outcomes[0] ?? 'duplicate';
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
