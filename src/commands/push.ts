import { readFile } from 'node:fs/promises';
import type { DeliveryTargets } from '../config/push.js';
import { EXIT, ValidationError, type ExitCode } from '../errors.js';
import { StorablePayloadSchema, type Payload } from '../payload/schema.js';
import type { PayloadSink } from '../store/types.js';
import { parseOrThrow } from '../validate.js';
import { decodeUtf8 } from '../payload/utf8-text.js';
import type { Clock, RetryListener } from '../retry/backoff.js';
import { fallbackPath, savePayloadFallback } from '../delivery/fallback.js';
import { postPayload } from '../delivery/http.js';
import { exitCodeOfStatus, worstExitCode, type TargetOutcome } from '../delivery/outcome.js';
import { resendCommand } from '../delivery/resend-command.js';
import { saveToStore } from '../delivery/store.js';
import { describeStoreSpec, openClickhouseSink, openPostgresSink, type OpenOptions } from '../delivery/open-store.js';

/** Edges of a delivery; every field has a production default. */
export interface DeliveryDeps {
  fetch?: typeof fetch;
  clock?: Clock;
  openPostgres?: (spec: string, options: OpenOptions) => Promise<PayloadSink>;
  openClickhouse?: (spec: string, options: OpenOptions) => Promise<PayloadSink>;
  /** where a relative fallback path is resolved (default: process working directory) */
  cwd?: string;
  /** told before each retry wait of any target; reasons start with the target */
  onRetry?: RetryListener;
}

export interface DeliveryResult {
  pipelineId: number;
  /** one per target, in the order url, postgres, clickhouse */
  outcomes: TargetOutcome[];
  /** 0 delivered everywhere; 3 a target rejected it; 2 a target is misconfigured (unmigrated); 4 a target could not be reached */
  exitCode: ExitCode;
  /** set when a target failed: where the payload was saved (absolute path) */
  fallbackFile?: string;
  /** set when the fallback file itself could not be written */
  fallbackError?: string;
  /** set with fallbackFile: the command that resends it to the same targets (no secrets) */
  resendCommand?: string;
}

/**
 * Delivers one validated payload to every target (in parallel). `body` is the exact JSON text to
 * send to a metrics server and to keep (for `push`, the input as read; default: the payload
 * serialized). Never throws for a target's failure: each gets an outcome, and when any failed
 * `body` is written to the fallback file, byte for byte, so nothing is lost silently.
 */
export async function deliverPayload(
  payload: Payload,
  targets: DeliveryTargets,
  deps: DeliveryDeps = {},
  body: string = JSON.stringify(payload),
): Promise<DeliveryResult> {
  const [result] = await deliverPayloads([{ payload, body }], targets, deps);
  return result!;
}

/** A payload and the exact text to send and keep for it. */
export interface PayloadToDeliver {
  payload: Payload;
  body: string;
}

/**
 * Delivers payloads in order (parents before children: a child row names its parent), then keeps
 * every one that failed (see keepFailed). Used by `push` and `collect --push`.
 */
export async function deliverPayloads(
  items: PayloadToDeliver[],
  targets: DeliveryTargets,
  deps: DeliveryDeps = {},
): Promise<DeliveryResult[]> {
  const results: DeliveryResult[] = [];
  for (const { payload, body } of items) {
    const outcomes = await deliverToTargets(payload, body, targets, deps);
    results.push({ pipelineId: payload.pipeline_id, outcomes, exitCode: exitCodeFor(outcomes) });
  }
  return keepFailed(items, results, targets, deps.cwd ?? process.cwd());
}

async function deliverToTargets(payload: Payload, body: string, targets: DeliveryTargets, deps: DeliveryDeps): Promise<TargetOutcome[]> {
  const jobs: Promise<TargetOutcome>[] = [];
  const budget = { totalMs: targets.totalMs, clock: deps.clock, onRetry: deps.onRetry };
  if (targets.url) {
    jobs.push(postPayload(body, { ...budget, url: targets.url, token: targets.token, fetch: deps.fetch }));
  }
  if (targets.postgres) {
    const spec = targets.postgres;
    const open = (lockWaitMs: number) => (deps.openPostgres ?? openPostgresSink)(spec, { autoMigrate: true, lockWaitMs });
    jobs.push(saveToStore(payload, { ...budget, kind: 'postgres', target: describeStoreSpec(spec), open }));
  }
  if (targets.clickhouse) {
    const spec = targets.clickhouse;
    const open = (lockWaitMs: number) => (deps.openClickhouse ?? openClickhouseSink)(spec, { autoMigrate: true, lockWaitMs });
    jobs.push(saveToStore(payload, { ...budget, kind: 'clickhouse', target: describeStoreSpec(spec), open }));
  }
  return Promise.all(jobs);
}

/**
 * Writes the bodies of the failed deliveries to their fallback files. Failures that would share
 * a file (`--save-on-failure FILE` with several payloads, or one pipeline id twice) are kept
 * together as one JSON array of their exact texts, which `push FILE` resends in order; one
 * failure is kept as its body alone. Each failed result names its file and resend command.
 */
async function keepFailed(
  items: PayloadToDeliver[],
  results: DeliveryResult[],
  targets: DeliveryTargets,
  cwd: string,
): Promise<DeliveryResult[]> {
  const byFile = new Map<string, number[]>();
  results.forEach((result, i) => {
    if (result.exitCode === EXIT.ok) return;
    const file = fallbackPath(result.pipelineId, targets.saveOnFailure, cwd);
    byFile.set(file, [...(byFile.get(file) ?? []), i]);
  });
  const kept = [...results];
  for (const [file, indexes] of byFile) {
    const bodies = indexes.map((i) => items[i]!.body);
    const saved = await savePayloadFallback(file, bodies.length === 1 ? bodies[0]! : `[\n${bodies.join(',\n')}\n]\n`);
    for (const i of indexes) {
      kept[i] = saved.error
        ? { ...results[i]!, fallbackFile: saved.path, fallbackError: saved.error }
        : { ...results[i]!, fallbackFile: saved.path, resendCommand: resendCommand(saved.path, targets) };
    }
  }
  return kept;
}

/** See worstExitCode: a rejection, then a misconfiguration, outranks an outage. */
function exitCodeFor(outcomes: TargetOutcome[]): ExitCode {
  return worstExitCode(outcomes.map((o) => exitCodeOfStatus(o.status)));
}

export interface PushOptions {
  /** file path, or `-` / undefined for stdin */
  input?: string;
  targets: DeliveryTargets;
}

export interface PushDeps extends DeliveryDeps {
  /** stdin's bytes, decoded here as a payload file's are */
  readStdin: () => Promise<Uint8Array>;
}

/**
 * `pipeline-metrics push`: read, validate (ValidationError → exit 3, nothing sent), deliver.
 * The input is one payload, or an array of payloads (what `collect` prints for a pipeline with
 * downstream pipelines), delivered in order; every one is validated before any is sent.
 */
export async function runPush(options: PushOptions, deps: PushDeps): Promise<DeliveryResult[]> {
  const fromStdin = options.input === undefined || options.input === '-';
  const source = fromStdin ? 'payload from stdin' : `payload in ${options.input}`;
  const text = decodeUtf8(fromStdin ? await deps.readStdin() : await readFile(options.input!), source);
  const json = parseJson(text, source);
  if (!Array.isArray(json)) {
    const payload = parseOrThrow(StorablePayloadSchema, json, source);
    return [await deliverPayload(payload, options.targets, deps, text)];
  }
  const payloads = parseOrThrow(StorablePayloadSchema.array().min(1).max(1000), json, source);
  // each element is sent and kept as it was read (unknown fields kept, no defaults added)
  const items = payloads.map((payload, i) => ({ payload, body: JSON.stringify(json[i]) }));
  return deliverPayloads(items, options.targets, deps);
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ValidationError(source, [`(root): malformed JSON: ${why}`]);
  }
}
