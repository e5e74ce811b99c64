import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { StorablePayloadSchema, type Payload } from '../payload/schema.js';
import { combineStoredStates, type BackfillSink } from '../store/stored-state.js';
import { parseOrThrow } from '../validate.js';
import { bearerGuard, withTimeout, writeAfterFirst, type RouteDeps } from './routes.js';

/** Largest id list one `POST /pipelines/known` accepts (a listed GitLab page is 100). */
export const MAX_KNOWN_IDS = 1_000;

export const KnownRequestSchema = z.object({
  pipeline_ids: z.array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER)).max(MAX_KNOWN_IDS),
});
export type KnownRequest = z.infer<typeof KnownRequestSchema>;

/**
 * The two routes `backfill` uses through a server, with the bearer auth of /save_metrics:
 *
 * - `POST /pipelines/known` `{ "pipeline_ids": [1, 2] }` → 200 `{ "pipelines": { "1": "final",
 *   "2": "running" } }`: the stored ones only (`running` = stored while running, to refresh).
 * - `PUT /pipelines/:id/metrics` with a payload of pipeline `:id` → replaces the stored snapshot
 *   (200 `{ "status": "refreshed" }`), or stores it when absent (201 `{ "status": "created" }`).
 *   The seed columns are not changed by a refresh; `/save_metrics` keeps its 200/208 contract.
 */
export function registerBackfillRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const guard = bearerGuard(deps);
  app.post('/pipelines/known', {
    onRequest: guard,
    handler: async (request, reply) => {
      const { pipeline_ids: ids } = parseOrThrow(KnownRequestSchema, request.body, 'request body');
      const answers = await withTimeout(Promise.all(deps.sinks.map((sink) => sink.storedStates(ids))), deps.storeTimeoutMs);
      const states = combineStoredStates(ids, answers);
      deps.notes.set(request, { outcome: `known ${states.size}/${ids.length}` });
      return reply.code(200).send({ pipelines: Object.fromEntries(states) });
    },
  });

  app.put('/pipelines/:id/metrics', {
    onRequest: guard,
    handler: async (request, reply) => {
      const id = Number((request.params as { id: string }).id);
      const payload = parseOrThrow(StorablePayloadSchema, request.body, 'payload');
      if (payload.pipeline_id !== id) {
        throw new ValidationError('payload', [`pipeline_id: must equal the pipeline id in the URL (${id}), got ${payload.pipeline_id}`]);
      }
      const outcome = await withTimeout(replaceEverywhere(deps.sinks, payload), deps.storeTimeoutMs);
      deps.notes.set(request, { pipelineId: id, outcome });
      return reply.code(outcome === 'refreshed' ? 200 : 201).send({ status: outcome });
    },
  });
}

/**
 * Refreshes the sinks in order, storing the payload where it is missing, as /save_metrics saves
 * (see saveEverywhere): the first sink's answer is returned, and a payload the first refuses
 * reaches (and changes) no other sink.
 */
async function replaceEverywhere(sinks: BackfillSink[], payload: Payload): Promise<'refreshed' | 'created'> {
  const [first, ...rest] = sinks;
  const outcome = first ? await replaceIn(first, payload) : 'refreshed';
  for (const sink of rest) await writeAfterFirst(payload.pipeline_id, () => replaceIn(sink, payload));
  return outcome;
}

export async function replaceIn(sink: BackfillSink, payload: Payload): Promise<'refreshed' | 'created'> {
  if ((await sink.refresh(payload)) === 'refreshed') return 'refreshed';
  // stored meanwhile by someone else: a duplicate is as good as a refresh of a fresh snapshot
  return (await sink.save(payload)) === 'created' ? 'created' : 'refreshed';
}
