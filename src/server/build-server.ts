import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyRequest } from 'fastify';
import type { BackfillSink } from '../store/stored-state.js';
import { createTokenCheck } from './auth.js';
import { answerClientError } from './client-errors.js';
import { registerContentEncoding } from './content-encoding.js';
import { replyForError } from './error-replies.js';
import { registerJsonBodyParser } from './json-body.js';
import { formatLogLine, outcomeForStatus, type LogWriter } from './request-log.js';
import { registerRoutes, type RequestNotes } from './routes.js';
import { registerBackfillRoutes } from './backfill-routes.js';

export interface ServerDeps {
  /** the first sink decides 200 vs 208; every sink receives every payload */
  sinks: BackfillSink[];
  /** accepted bearer tokens; empty = no authentication */
  tokens: readonly string[];
  /** maximum request body, bytes */
  bodyLimit: number;
  /** one JSON line per request; omitted = silent */
  logger?: LogWriter;
  /** budget for the stores per request, milliseconds (default 10 000) */
  storeTimeoutMs?: number;
  /** `/graphql` (src/server/graphql's graphqlPlugin); absent = no ClickHouse, /graphql says so */
  graphql?: FastifyPluginAsync;
}

export const DEFAULT_STORE_TIMEOUT_MS = 10_000;

/**
 * The HTTP service: `POST /save_metrics`, `GET /healthz`, `/graphql`, and backfill's
 * `POST /pipelines/known` and `PUT /pipelines/:id/metrics` (see backfill-routes.ts). Closing the instance (`app.close()`)
 * stops accepting, answers new requests 503, lets in-flight ones finish, then closes the sinks.
 */
export function buildServer(deps: ServerDeps): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: deps.bodyLimit,
    // closing is answered 503 by our own hook below, so that answer is logged like any other
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    requestTimeout: 30_000,
    clientErrorHandler: answerClientError,
  });
  const notes = new WeakMap<FastifyRequest, RequestNotes>();
  answerWhileClosing(app, notes);
  registerContentEncoding(app);
  registerJsonBodyParser(app);
  const routeDeps = {
    sinks: deps.sinks,
    isAuthorized: deps.tokens.length ? createTokenCheck(deps.tokens) : undefined,
    storeTimeoutMs: deps.storeTimeoutMs ?? DEFAULT_STORE_TIMEOUT_MS,
    notes,
  };
  registerRoutes(app, routeDeps);
  registerBackfillRoutes(app, routeDeps);

  if (deps.graphql) void app.register(deps.graphql);
  else registerGraphqlUnavailable(app);

  app.setErrorHandler((error, request, reply) => {
    const answer = replyForError(error, deps.bodyLimit);
    notes.set(request, { ...notes.get(request), outcome: answer.outcome, error: answer.cause });
    if (answer.status === 503) void reply.header('retry-after', '1');
    return reply.code(answer.status).send({ errors: answer.errors });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ errors: [`(url): no route ${request.method} ${request.url}`] }));
  if (deps.logger) addRequestLog(app, deps.logger, notes);
  app.addHook('onClose', async () => {
    await Promise.allSettled(deps.sinks.map((sink) => sink.close()));
  });
  return app;
}

/** After close() began: every further request (a kept-alive connection) gets 503 and Connection: close. */
function answerWhileClosing(app: FastifyInstance, notes: WeakMap<FastifyRequest, RequestNotes>): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!closing) return;
    notes.set(request, { outcome: 'shutting_down' });
    await reply
      .code(503)
      .header('connection', 'close')
      .header('retry-after', '1')
      .send({ errors: ['(server): shutting down; retry shortly'] });
  });
}

/** `/graphql` on a service without ClickHouse: a clear answer instead of a bare 404. */
function registerGraphqlUnavailable(app: FastifyInstance): void {
  app.all('/graphql', async (_request, reply) =>
    reply.code(404).send({
      errors: [
        {
          message:
            '/graphql needs a ClickHouse store: start serve with --clickhouse (or CLICKHOUSE_URL); this service stores to Postgres only',
          extensions: { code: 'UNAVAILABLE' },
        },
      ],
    }),
  );
}

function addRequestLog(app: FastifyInstance, write: LogWriter, notes: WeakMap<FastifyRequest, RequestNotes>): void {
  app.addHook('onResponse', async (request, reply) => {
    const note = notes.get(request);
    write(
      formatLogLine({
        time: new Date().toISOString(),
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 100) / 100,
        outcome: note?.outcome ?? outcomeForStatus(reply.statusCode),
        ...(note?.pipelineId !== undefined ? { pipeline_id: note.pipelineId } : {}),
        ...(note?.error ? { error: note.error } : {}),
      }),
    );
  });
}
