import { ValidationError } from '../errors.js';
import { TimestampSchema } from './schema.js';

/**
 * GitLab time strings → payload timestamps.
 *
 * GitLab returns RFC 3339 with milliseconds and a zone (`2023-06-13T14:12:33.677+07:00`,
 * `…Z`); those are kept exactly as written. Anything `Date.parse` still understands but
 * TimestampSchema rejects (e.g. `+0700` offsets, a space instead of `T`) is rewritten as UTC
 * ISO 8601 with milliseconds. Unparseable text is a ValidationError naming the field.
 */
export function normaliseTimestamp(value: string, field: string): string {
  if (TimestampSchema.safeParse(value).success) return value;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new ValidationError('GitLab data', [`${field}: ${JSON.stringify(value)} is not a timestamp`]);
  }
  return new Date(ms).toISOString();
}

/** Like normaliseTimestamp; null/undefined pass through unchanged. */
export function normaliseOptionalTimestamp<T extends null | undefined>(value: string | T, field: string): string | T {
  return value === null || value === undefined ? value : normaliseTimestamp(value, field);
}

/** Milliseconds since the epoch of a normalised timestamp. */
export function epochMs(timestamp: string): number {
  return Date.parse(timestamp);
}

/** Whole seconds (truncated) from `from` to `to`; 0 when `to` is not after `from`. */
export function wholeSecondsBetween(from: string, to: string): number {
  return Math.max(0, Math.trunc((epochMs(to) - epochMs(from)) / 1000));
}

/** `started_at` minus `seconds` (float), as UTC ISO 8601 with milliseconds. */
export function secondsBefore(timestamp: string, seconds: number): string {
  return new Date(epochMs(timestamp) - Math.round(seconds * 1000)).toISOString();
}

/**
 * When an attempt entered the queue (ISO UTC): `queued_at` when the payload has it (collect sets
 * it), else started_at − queued_duration (seconds) when both are known (older payloads); else
 * undefined. The one rule for every reader of a payload (stores, critical path).
 */
export function queuedAtOf(attempt: {
  queued_at?: string | null;
  started_at?: string | null;
  queued_duration?: number | null;
}): string | undefined {
  if (attempt.queued_at) return attempt.queued_at;
  if (!attempt.started_at || attempt.queued_duration == null) return undefined;
  return secondsBefore(attempt.started_at, attempt.queued_duration);
}
