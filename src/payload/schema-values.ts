import { z } from 'zod';

/**
 * The leaf values of the payload schema, bounded to what both stores hold and what is plausible,
 * so a value either store cannot hold is a 400 naming the field, never a commit in Postgres and a
 * failure in ClickHouse.
 *
 * Every check is `abort: true`: the first problem of a value ends its validation, and with
 * parseOrThrow's early stop (src/validate.ts) a hostile body costs one issue, not one per field.
 */
const abort = { abort: true } as const;

/** 30 days in seconds: longer than GitLab's largest job timeout (one month); longer is not a CI job. */
export const MAX_JOB_SECONDS = 30 * 86_400;
/** 366 days in seconds: a pipeline's own duration / queue time (its jobs run within it). */
export const MAX_PIPELINE_SECONDS = 366 * 86_400;
/**
 * Ids: positive JS safe integers (≤ 2^53 − 1), which Postgres `bigint` and ClickHouse `UInt64`
 * both hold exactly, and which JSON numbers round-trip without loss.
 */
export const IdSchema = z.number().int(abort).positive(abort).max(Number.MAX_SAFE_INTEGER, abort);

/** Seconds from 0 to `max` (inclusive); fractions allowed (GitLab's float durations). */
export function secondsUpTo(max: number): z.ZodNumber {
  return z
    .number()
    .nonnegative(abort)
    .max(max, {
      ...abort,
      message: `must be at most ${max} seconds (${max / 86_400} days)`,
    });
}

/**
 * Timestamps: RFC 3339 with `Z` or an offset, fractional seconds optional, kept as written, and
 * as an instant within [2000-01-01, 2300-01-01) UTC: inside ClickHouse DateTime64's range
 * (1900–2299) and Postgres timestamptz's, after the epoch that ClickHouse uses for "unset", and
 * not before CI existed.
 */
export const TIMESTAMP_RANGE = {
  from: '2000-01-01T00:00:00Z',
  to: '2300-01-01T00:00:00Z',
} as const;
const RANGE_MS = {
  from: Date.parse(TIMESTAMP_RANGE.from),
  to: Date.parse(TIMESTAMP_RANGE.to),
};
export const TimestampSchema = z.iso.datetime({ offset: true, local: false, ...abort }).refine(
  (value) => {
    const ms = Date.parse(value);
    return ms >= RANGE_MS.from && ms < RANGE_MS.to;
  },
  {
    ...abort,
    message: `must be from ${TIMESTAMP_RANGE.from} (inclusive) to ${TIMESTAMP_RANGE.to} (exclusive)`,
  },
);

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The one text rule (values and keys alike): what both stores hold exactly. No U+0000 (Postgres
 * `text` cannot hold it) and no lone surrogate (not encodable as UTF-8; drivers would store
 * U+FFFD). Invalid UTF-8 bytes are refused before JSON parsing (src/payload/utf8-json.ts).
 * Returns the problem, or null when the text is storable.
 */
export function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain the NUL character (\\u0000)';
  if (LONE_SURROGATE.test(text)) return 'must not contain a lone UTF-16 surrogate (\\ud800–\\udfff): not valid Unicode text';
  return null;
}

/** A string of `min`…`max` UTF-16 units; its content is checked by textProblem (StorablePayloadSchema). */
export function textSchema(max: number, min = 0): z.ZodString {
  return z.string().min(min, abort).max(max, abort);
}
