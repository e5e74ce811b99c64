import { describe, expect, it } from 'vitest';
import { defaultRange, formatDateTime64, parseIsoTime, parseTimeArg } from '../../src/analytics/time-range.js';
import { UsageError } from '../../src/errors.js';

const now = new Date('2024-05-08T12:00:00.000Z');

describe('parseTimeArg', () => {
  it.each([
    ['now', '2024-05-08T12:00:00.000Z'],
    ['30m', '2024-05-08T11:30:00.000Z'],
    ['24h', '2024-05-07T12:00:00.000Z'],
    ['7d', '2024-05-01T12:00:00.000Z'],
    ['2w', '2024-04-24T12:00:00.000Z'],
    [' 1d ', '2024-05-07T12:00:00.000Z'],
    ['2024-05-01', '2024-05-01T00:00:00.000Z'],
    ['2024-05-01T10:20', '2024-05-01T10:20:00.000Z'],
    ['2024-05-01T10:20:30Z', '2024-05-01T10:20:30.000Z'],
    ['2024-05-01 10:20:30.123456', '2024-05-01T10:20:30.123Z'],
    ['2024-05-01T10:20:30+02:00', '2024-05-01T08:20:30.000Z'],
    ['2024-05-01T10:20:30-0130', '2024-05-01T11:50:30.000Z'],
  ])('%j', (text, iso) => {
    expect(parseTimeArg(text, now).toISOString()).toBe(iso);
  });

  it.each([
    '',
    '7',
    'd7',
    '7 d',
    '7y',
    '-7d',
    '1.5h',
    '2024-02-30',
    '2024-13-01',
    '2024-05-01T25:00',
    '1899-12-31',
    '2300-01-01',
    'yesterday',
    '2024-05-01T10:20:30+2',
  ])('rejects %j with the accepted forms', (text) => {
    expect(() => parseTimeArg(text, now)).toThrow(UsageError);
    expect(() => parseTimeArg(text, now)).toThrow(/use "now", a relative time such as 30m, 24h, 7d, 2w/);
  });

  it('does not change now', () => {
    parseTimeArg('7d', now);
    expect(now.toISOString()).toBe('2024-05-08T12:00:00.000Z');
  });
});

describe('defaultRange, parseIsoTime, formatDateTime64', () => {
  it('defaults to the last 7 days, now excluded', () => {
    const range = defaultRange(now);
    expect([range.fromTime.toISOString(), range.toTime.toISOString()]).toEqual(['2024-05-01T12:00:00.000Z', '2024-05-08T12:00:00.000Z']);
  });

  it('accepts leap days only in leap years', () => {
    expect(parseIsoTime('2024-02-29')?.toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(parseIsoTime('2023-02-29')).toBeUndefined();
  });

  it('formats a DateTime64 parameter in UTC', () => {
    expect(formatDateTime64(new Date('2024-05-01T08:09:10.011Z'))).toBe('2024-05-01 08:09:10.011');
  });
});
