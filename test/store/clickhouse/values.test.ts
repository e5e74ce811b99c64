import { describe, expect, it } from 'vitest';
import { toClickhouseDateTime } from '../../../src/store/clickhouse/values.js';

/** What toClickhouseDateTime returned before its fast path: always through Date. */
function throughDate(value: string): string {
  const iso = new Date(value).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
}

describe('toClickhouseDateTime', () => {
  it('rearranges UTC text with milliseconds, and converts any offset to UTC', () => {
    expect(toClickhouseDateTime('2023-06-13T07:11:24.029Z')).toBe('2023-06-13 07:11:24.029000');
    expect(toClickhouseDateTime('2023-06-13T14:11:24.029+07:00')).toBe('2023-06-13 07:11:24.029000');
    expect(toClickhouseDateTime('2023-06-13T07:11:24Z')).toBe('2023-06-13 07:11:24.000000');
    expect(toClickhouseDateTime(new Date(Date.UTC(2024, 1, 29, 23, 59, 59, 999)))).toBe('2024-02-29 23:59:59.999000');
  });

  it('gives what Date gives for every UTC text, including days that roll over (Feb 30) and hour 24', () => {
    for (const text of ['2023-02-30T10:00:00.000Z', '2023-04-31T00:00:00.000Z', '2024-02-29T12:00:00.000Z', '2023-06-13T24:00:00.000Z']) {
      expect(toClickhouseDateTime(text)).toBe(throughDate(text));
    }
    // a sweep over the years 0000–9999, hitting every day of the month and every hour
    for (
      let ms = Date.parse('0000-01-01T00:00:00.000Z');
      ms < Date.parse('9999-12-31T00:00:00.000Z');
      ms += 86_400_000 * 37.37 + 3_601_007
    ) {
      const text = new Date(Math.round(ms)).toISOString();
      expect(toClickhouseDateTime(text)).toBe(throughDate(text));
    }
  });

  it('refuses text that is not a timestamp', () => {
    expect(() => toClickhouseDateTime('yesterday')).toThrow(RangeError);
  });
});
