import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import mercurius from 'mercurius';
import type { ReadAccess, ReadAuth } from './access.js';
import type { AnalyticsSource, GraphqlContext, GraphqlGuards } from './context.js';
import { acceptSeedVariableType, checkDocumentSize, costLimitRule, DOCUMENT_LIMITS } from './document-guards.js';
import { resolvers } from './resolvers.js';
import { SCHEMA_SDL } from './schema.js';

export const GRAPHQL_PATH = '/graphql';

export interface GraphqlDeps {
  source: AnalyticsSource;
  authenticate: (authorization: string | undefined) => ReadAuth;
  guards: GraphqlGuards;
  now?: () => Date;
}

/**
 * `/graphql` (POST, and GET for queries) as a fastify plugin; this folder is the one importer of
 * mercurius. A request is authenticated before its body is parsed; each gets an AbortSignal that
 * fires when the client goes away or the budget ends, and every ClickHouse query of it runs under
 * that signal.
 */
export function graphqlPlugin(deps: GraphqlDeps): FastifyPluginAsync {
  return async (app) => {
    const accessOf = new WeakMap<FastifyRequest, ReadAccess>();
    app.addHook('onRequest', async (request, reply) => {
      const auth = deps.authenticate(request.headers.authorization);
      if (auth.ok) {
        accessOf.set(request, auth.access);
        return;
      }
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({
          errors: [
            {
              message: '(authorization): missing or invalid read token (/graphql accepts only --read-token tokens)',
              extensions: { code: 'UNAUTHENTICATED' },
            },
          ],
        });
    });
    await app.register(mercurius, {
      schema: SCHEMA_SDL,
      resolvers: resolvers as never,
      path: GRAPHQL_PATH,
      graphiql: false,
      queryDepth: DOCUMENT_LIMITS.maxDepth,
      validationRules: [costLimitRule(DOCUMENT_LIMITS.maxCost)],
      allowBatchedQueries: false,
      // a token that matched nothing never gets here; the fallback reads no project
      context: (request: FastifyRequest, reply: FastifyReply): GraphqlContext => ({
        source: deps.source,
        access: accessOf.get(request) ?? { projectPatterns: [] },
        guards: deps.guards,
        signal: requestSignal(reply, deps.guards.budgetSeconds),
        now: deps.now?.() ?? new Date(),
      }),
      errorFormatter: (execution, context) => {
        const formatted = mercurius.defaultErrorFormatter(execution, context);
        // a bad document or query is the client's problem, never a 500
        return formatted.statusCode >= 500 ? { ...formatted, statusCode: 400 } : formatted;
      },
    });
    app.graphql.addHook('preParsing', async (_schema, source) => checkDocumentSize(source));
    app.graphql.addHook('preValidation', async (_schema, document) => acceptSeedVariableType(document));
  };
}

/** Aborts when the response closes before it was sent (client gone) or after the budget. */
function requestSignal(reply: FastifyReply, budgetSeconds: number): AbortSignal {
  const gone = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) gone.abort(new Error('client went away'));
  });
  return AbortSignal.any([gone.signal, AbortSignal.timeout(budgetSeconds * 1000)]);
}
