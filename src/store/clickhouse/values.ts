/**
 * Conversions between our values and ClickHouse's text forms. All times are UTC.
 */

/**
 * UTC with milliseconds, as GitLab and toISOString write it, restricted to days 01–28 and hours
 * 00–23, so every match names a real instant and is exactly its own toISOString (days 29–31
 * take the general path, which rolls e.g. Feb 30 over as Date does).
 */
const CANONICAL_UTC = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/** An RFC 3339 timestamp (any offset) or Date → ClickHouse DateTime64 text `YYYY-MM-DD hh:mm:ss.ffffff` (UTC). */
export function toClickhouseDateTime(value: string | Date): string {
  // the server's hot path: text that toISOString would give back unchanged is only rearranged
  if (typeof value === 'string' && CANONICAL_UTC.test(value)) return `${value.slice(0, 10)} ${value.slice(11, 23)}000`;
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
