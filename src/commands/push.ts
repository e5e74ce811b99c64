import { readFile } from 'node:fs/promises';
import type { DeliveryTargets } from '../config/push.js';
import { EXIT, ValidationError, type ExitCode } from '../errors.js';
import { StorablePayloadSchema, type Payload } from '../payload/schema.js';
import type { PayloadSink } from '../store/types.js';
import { parseOrThrow } from '../validate.js';
import { decodeUtf8 } from '../payload/utf8-text.js';
import type { Clock } from '../retry/backoff.js';
import { savePayloadFallback } from '../delivery/fallback.js';
import { postPayload } from '../delivery/http.js';
import { isDelivered, type TargetOutcome } from '../delivery/outcome.js';
import { saveToStore } from '../delivery/store.js';
import { describeStoreSpec, openClickhouseSink, openPostgresSink } from '../delivery/open-store.js';

/** Edges of a delivery; every field has a production default. */
export interface DeliveryDeps {
  fetch?: typeof fetch;
  clock?: Clock;
  openPostgres?: (spec: string) => Promise<PayloadSink>;
  openClickhouse?: (spec: string) => Promise<PayloadSink>;
  /** where a relative fallback path is resolved (default: process working directory) */
  cwd?: string;
}

export interface DeliveryResult {
  pipelineId: number;
  /** one per target, in the order url, postgres, clickhouse */
  outcomes: TargetOutcome[];
  /** 0 delivered everywhere; 3 a target rejected it; 4 a target could not be reached */
  exitCode: ExitCode;
  /** set when a target failed: where the payload was saved (absolute path) */
  fallbackFile?: string;
  /** set when the fallback file itself could not be written */
  fallbackError?: string;
}

/**
 * Delivers one validated payload to every target (in parallel). Never throws for a target's
 * failure: each gets an outcome, and when any failed the payload is written to the fallback
 * file so nothing is lost silently. Also used by `collect --push`.
 */
export async function deliverPayload(
  payload: Payload,
  targets: DeliveryTargets,
  deps: DeliveryDeps = {},
): Promise<DeliveryResult> {
  const jobs: Promise<TargetOutcome>[] = [];
  const budget = { totalMs: targets.totalMs, clock: deps.clock };
  if (targets.url) {
    jobs.push(postPayload(payload, { ...budget, url: targets.url, token: targets.token, fetch: deps.fetch }));
  }
  if (targets.postgres) {
    const spec = targets.postgres;
    const open = () => (deps.openPostgres ?? openPostgresSink)(spec);
    jobs.push(saveToStore(payload, { ...budget, kind: 'postgres', target: describeStoreSpec(spec), open }));
  }
  if (targets.clickhouse) {
    const spec = targets.clickhouse;
    const open = () => (deps.openClickhouse ?? openClickhouseSink)(spec);
    jobs.push(saveToStore(payload, { ...budget, kind: 'clickhouse', target: describeStoreSpec(spec), open }));
  }
  const outcomes = await Promise.all(jobs);
  const exitCode = exitCodeFor(outcomes);
  const result: DeliveryResult = { pipelineId: payload.pipeline_id, outcomes, exitCode };
  if (exitCode === EXIT.ok) return result;
  const saved = await savePayloadFallback(payload, targets.saveOnFailure, deps.cwd ?? process.cwd());
  return { ...result, fallbackFile: saved.path, fallbackError: saved.error };
}

/** A rejection outranks an outage: resending will not help a payload a target refused. */
function exitCodeFor(outcomes: TargetOutcome[]): ExitCode {
  if (outcomes.some((o) => o.status === 'rejected')) return EXIT.rejected;
  if (!outcomes.every(isDelivered)) return EXIT.unreachable;
  return EXIT.ok;
}

export interface PushOptions {
  /** file path, or `-` / undefined for stdin */
  input?: string;
  targets: DeliveryTargets;
}

export interface PushDeps extends DeliveryDeps {
  readStdin: () => Promise<string>;
}

/**
 * `pipeline-metrics push`: read, validate (ValidationError → exit 3, nothing sent), deliver.
 * The input is one payload, or an array of payloads (what `collect` prints for a pipeline with
 * downstream pipelines), delivered in order; every one is validated before any is sent.
 */
export async function runPush(options: PushOptions, deps: PushDeps): Promise<DeliveryResult[]> {
  const fromStdin = options.input === undefined || options.input === '-';
  const source = fromStdin ? 'payload from stdin' : `payload in ${options.input}`;
  const text = fromStdin ? await deps.readStdin() : decodeUtf8(await readFile(options.input!), source);
  const json = parseJson(text, source);
  const payloads = Array.isArray(json)
    ? parseOrThrow(StorablePayloadSchema.array().min(1).max(1000), json, source)
    : [parseOrThrow(StorablePayloadSchema, json, source)];
  const results: DeliveryResult[] = [];
  for (const payload of payloads) results.push(await deliverPayload(payload, options.targets, deps));
  return results;
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ValidationError(source, [`(root): malformed JSON: ${why}`]);
  }
}
