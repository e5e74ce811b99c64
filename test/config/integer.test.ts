import { describe, expect, it } from 'vitest';
import { parseWholeNumber } from '../../src/config/integer.js';

describe('parseWholeNumber (ports, limits, pool sizes, concurrency)', () => {
  it('takes decimal digits within the range, spaces around ignored', () => {
    expect(['0', ' 8080 ', '65535', '007'].map((raw) => parseWholeNumber(raw, 0, 65_535))).toEqual([0, 8080, 65535, 7]);
  });
  it('refuses fractions, exponents, hex, signs, empty text and values out of range', () => {
    expect(
      ['1.5', '1e3', '0x10', '-1', '+1', '', ' ', '65536', '99999999999999999999'].map((raw) => parseWholeNumber(raw, 0, 65_535)),
    ).toEqual(Array(9).fill(undefined));
  });
});
