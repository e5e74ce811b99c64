import { UsageError } from '../errors.js';

/**
 * Time arguments and values. Everything here is UTC; ISO times without an offset are read as UTC.
 * Precision is milliseconds (a JS Date); ClickHouse columns are DateTime64(6, 'UTC').
 * ClickHouse's DateTime64 covers years 1900–2299; other years are rejected.
 */

const ISO_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

const RELATIVE_PATTERN = /^(\d{1,6})([mhdw])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** Parses a strict ISO 8601 date or date-time; undefined when malformed or not a real date. */
export function parseIsoTime(text: string): Date | undefined {
  const m = ISO_PATTERN.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((p) => Number(p ?? 0));
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(year!, month! - 1, day!, hour, minute, second, ms);
  const check = new Date(utc);
  const sameFields =
    check.getUTCFullYear() === year &&
    check.getUTCMonth() === month! - 1 &&
    check.getUTCDate() === day &&
    check.getUTCHours() === hour &&
    check.getUTCMinutes() === minute &&
    check.getUTCSeconds() === second;
  if (!sameFields || year! < 1900 || year! > 2299) return undefined;
  return new Date(utc - offsetMs(m[8]));
}

function offsetMs(zone: string | undefined): number {
  if (!zone || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

/** `YYYY-MM-DD hh:mm:ss.SSS` in UTC: the text form a DateTime64(6, 'UTC') query parameter takes. */
export function formatDateTime64(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * A CLI time argument: `now`, relative to `now` (`30m`, `24h`, `7d`, `2w` = that long ago),
 * or ISO 8601 (`2024-05-01`, `2024-05-01T12:00:00Z`). Throws UsageError naming the forms.
 */
export function parseTimeArg(text: string, now: Date): Date {
  const trimmed = text.trim();
  if (trimmed === 'now') return new Date(now.getTime());
  const relative = RELATIVE_PATTERN.exec(trimmed);
  if (relative) {
    const amount = Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS];
    return new Date(now.getTime() - amount);
  }
  const iso = parseIsoTime(trimmed);
  if (iso) return iso;
  throw new UsageError(
    `invalid time ${JSON.stringify(text.slice(0, 64))}: use "now", a relative time such as 30m, 24h, 7d, 2w ` +
      `(that long before now), or ISO 8601 such as 2024-05-01 or 2024-05-01T12:00:00Z (UTC unless an offset is given)`,
  );
}

export interface TimeRange {
  /** inclusive */
  readonly fromTime: Date;
  /** exclusive */
  readonly toTime: Date;
}

/** The default query range: the 7 days before `now`, `now` excluded. */
export function defaultRange(now: Date): TimeRange {
  return { fromTime: new Date(now.getTime() - 7 * UNIT_MS.d), toTime: new Date(now.getTime()) };
}
