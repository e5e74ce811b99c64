import { describe, expect, it } from 'vitest';
import { idsOfText } from '../../../src/store/clickhouse/stored-index.js';

describe('idsOfText (the stored index reads ids as TabSeparated text)', () => {
  it('parses one id a line, with or without the last newline, ids up to 2^53 exactly', () => {
    expect([...idsOfText('1\n22\n333\n')]).toEqual([1, 22, 333]);
    expect([...idsOfText('7\n9007199254740991')]).toEqual([7, 9007199254740991]);
    expect([...idsOfText('')]).toEqual([]);
  });

  it('refuses anything but digits and newlines', () => {
    expect(() => idsOfText('1\n-2\n')).toThrow(/unexpected character in a list of ids: "-"/);
    expect(() => idsOfText('1\t2\n')).toThrow(/unexpected character/);
  });
});
