import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyRequest } from 'fastify';
import type { PayloadSink } from '../store/types.js';
import { createTokenCheck } from './auth.js';
import { replyForError } from './error-replies.js';
import { registerJsonBodyParser } from './json-body.js';
import { formatLogLine, outcomeForStatus, type LogWriter } from './request-log.js';
import { registerRoutes, type RequestNotes } from './routes.js';

export interface ServerDeps {
  /** the first sink decides 200 vs 208; every sink receives every payload */
  sinks: PayloadSink[];
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
 * The HTTP service: `POST /save_metrics`, `GET /healthz`, `/graphql`. Closing the instance (`app.close()`)
 * stops accepting, answers new requests 503, lets in-flight ones finish, then closes the sinks.
 */
export function buildServer(deps: ServerDeps): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: deps.bodyLimit,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    requestTimeout: 30_000,
  });
  const notes = new WeakMap<FastifyRequest, RequestNotes>();
  registerJsonBodyParser(app);
  registerRoutes(app, {
    sinks: deps.sinks,
    isAuthorized: deps.tokens.length ? createTokenCheck(deps.tokens) : undefined,
    storeTimeoutMs: deps.storeTimeoutMs ?? DEFAULT_STORE_TIMEOUT_MS,
    notes,
  });

  if (deps.graphql) void app.register(deps.graphql);
  else registerGraphqlUnavailable(app);

  app.setErrorHandler((error, request, reply) => {
    const answer = replyForError(error, deps.bodyLimit);
    notes.set(request, { ...notes.get(request), outcome: answer.outcome, error: answer.cause });
    if (answer.status === 503) void reply.header('retry-after', '1');
    return reply.code(answer.status).send({ errors: answer.errors });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ errors: [`(url): no route ${request.method} ${request.url}`] }),
  );
  if (deps.logger) addRequestLog(app, deps.logger, notes);
  app.addHook('onClose', async () => {
    await Promise.allSettled(deps.sinks.map((sink) => sink.close()));
  });
  return app;
}

/** `/graphql` on a service without ClickHouse: a clear answer instead of a bare 404. */
function registerGraphqlUnavailable(app: FastifyInstance): void {
  app.all('/graphql', async (_request, reply) =>
    reply.code(404).send({
      errors: [
        {
          message: '/graphql needs a ClickHouse store: start serve with --clickhouse (or CLICKHOUSE_URL); this service stores to Postgres only',
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
