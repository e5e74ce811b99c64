/**
 * Conversions between our values and ClickHouse's text forms. All times are UTC.
 */

/** An RFC 3339 timestamp (any offset) or Date → ClickHouse DateTime64 text `YYYY-MM-DD hh:mm:ss.ffffff` (UTC). */
export function toClickhouseDateTime(value: string | Date): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a timestamp: ${String(value)}`);
  const iso = date.toISOString(); // YYYY-MM-DDThh:mm:ss.sssZ, millisecond precision
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
}

/** ClickHouse DateTime/DateTime64 text in UTC → ISO 8601 with `Z` (fraction kept as given). */
export function toIsoUtc(text: string): string {
  return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/.test(text) ? `${text.replace(' ', 'T')}Z` : text;
}

/** Seconds (float) → whole milliseconds, rounded. */
export function secondsToMs(seconds: number): number {
  return Math.round(seconds * 1000);
}
