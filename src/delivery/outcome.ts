import { EXIT, type ExitCode } from '../errors.js';

/**
 * What happened when one payload was delivered to one target: `rejected` — the target refused
 * it or our credentials, or is not a metrics server (exit 3); `misconfigured` — the target is
 * not ready, e.g. an unmigrated database (exit 2); `unreachable` — could not reach it, or it
 * could not answer now: try again (exit 4).
 */
export const DELIVERY_STATUSES = ['created', 'duplicate', 'rejected', 'misconfigured', 'unreachable'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export type TargetKind = 'http' | 'postgres' | 'clickhouse';

export interface TargetOutcome {
  kind: TargetKind;
  /** where it went, without secrets, e.g. `http://host/save_metrics` or `postgres://host/db` */
  target: string;
  status: DeliveryStatus;
  /** one line for humans; for `rejected`, the server's problem list joined by newlines */
  detail: string;
  attempts: number;
  httpStatus?: number;
}

/** `created` and `duplicate` both mean the pipeline is stored. */
export function isDelivered(outcome: TargetOutcome): boolean {
  return outcome.status === 'created' || outcome.status === 'duplicate';
}

/** The exit code of one delivery status: 0 stored, 3 rejected, 2 misconfigured, 4 unreachable. */
export function exitCodeOfStatus(status: DeliveryStatus): ExitCode {
  if (status === 'created' || status === 'duplicate') return EXIT.ok;
  if (status === 'rejected') return EXIT.rejected;
  return status === 'misconfigured' ? EXIT.usage : EXIT.unreachable;
}

/**
 * The exit code of several failures together (push's targets, backfill's pipelines): a rejection,
 * then a misconfiguration, outranks an outage — resending will not help until the payload, the
 * credentials or the target are fixed; exit 4 only means "try again". 0 when there is none.
 */
export function worstExitCode(codes: readonly ExitCode[]): ExitCode {
  for (const code of [EXIT.rejected, EXIT.usage, EXIT.unreachable, EXIT.failure] as const) if (codes.includes(code)) return code;
  return EXIT.ok;
}
