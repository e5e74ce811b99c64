import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLogTimings } from '../../src/payload/log-timings.js';
import { createLogTimingsParser } from '../../src/payload/log-timings-stream.js';

const FIXTURES = ['e2e-classic.log', 'e2e-timestamped.log'].map((name) => ({
  name,
  bytes: readFileSync(new URL(`../fixtures/logs/${name}`, import.meta.url)),
}));

/** Streams `bytes` cut at `cuts` (ascending byte offsets). */
function streamed(bytes: Uint8Array, cuts: number[]) {
  const parser = createLogTimingsParser();
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    parser.push(bytes.subarray(start, cut));
    start = cut;
  }
  return parser.end();
}

/** Deterministic cut points (xorshift), so a failure names a reproducible split. */
function randomCuts(length: number, count: number, seed: number): number[] {
  let x = seed;
  const cuts = new Set<number>();
  for (let i = 0; i < count; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    cuts.add(Math.abs(x) % (length + 1));
  }
  return [...cuts].sort((a, b) => a - b);
}

describe('createLogTimingsParser gives parseLogTimings results for every chunk split', () => {
  for (const { name, bytes } of FIXTURES) {
    const whole = parseLogTimings(bytes.toString('utf8'));

    it(`${name}: has timings to compare (the fixture is not trivially empty)`, () => {
      expect(whole.realTimes.length).toBeGreaterThan(2);
      expect(Object.keys(whole.sections).length).toBeGreaterThan(4);
    });

    it(`${name}: every split into two chunks, at every byte`, () => {
      for (let cut = 0; cut <= bytes.length; cut++) {
        const result = streamed(bytes, [cut]);
        if (JSON.stringify(result) !== JSON.stringify(whole)) expect({ cut, result }).toStrictEqual({ cut, result: whole });
      }
    });

    it(`${name}: chunks of every size from 1 to 97 bytes`, () => {
      for (let size = 1; size <= 97; size++) {
        const cuts = Array.from({ length: Math.floor(bytes.length / size) }, (_, i) => (i + 1) * size);
        expect({ size, result: streamed(bytes, cuts) }).toStrictEqual({ size, result: whole });
      }
    });

    it(`${name}: 300 random splits into up to 40 chunks`, () => {
      for (let seed = 1; seed <= 300; seed++) {
        const cuts = randomCuts(bytes.length, 1 + (seed % 40), seed * 7919);
        expect({ cuts, result: streamed(bytes, cuts) }).toStrictEqual({ cuts, result: whole });
      }
    });
  }
});

describe('createLogTimingsParser on the cases a chunk boundary can break', () => {
  const K = '\r\x1b[0K';
  const cases: Record<string, string> = {
    'multi-byte UTF-8 around markers and results': `section_start:100:e2e${K}\u{1F680} ✓ ok\nreal\t0m1,5s\nsection_end:107:e2e${K}é\n`,
    '`\\r` overwrites and CRLF line ends': 'real\t9m9.999s\rreal\t0m2.250s\r\n\r\nreal 62.34\r\n',
    'timestamp prefixes with `+` continuations splitting a marker': [
      `2024-05-01T10:00:00.123456Z 00O section_start:200:bui`,
      `2024-05-01T10:00:00.223456Z 00O+ld${K}`,
      `2024-05-01T10:00:09.000000Z 01E real\t0m4.004s`,
      `2024-05-01T10:00:09.500000Z 00O section_end:209:build${K}`,
    ].join('\n'),
    'no trailing newline, empty lines, a lone `\\r`': '\n\n\rreal 1m 2.5s',
    'empty log': '',
  };
  for (const [title, text] of Object.entries(cases)) {
    it(title, () => {
      const bytes = Buffer.from(text, 'utf8');
      const whole = parseLogTimings(text);
      for (let cut = 0; cut <= bytes.length; cut++) expect({ cut, result: streamed(bytes, [cut]) }).toStrictEqual({ cut, result: whole });
      for (let a = 0; a <= bytes.length; a += 3) {
        for (let b = a; b <= bytes.length; b += 5) expect({ a, b, result: streamed(bytes, [a, b]) }).toStrictEqual({ a, b, result: whole });
      }
    });
  }

  it('reads timings out of those cases (the comparisons above compare something)', () => {
    expect(parseLogTimings(cases['multi-byte UTF-8 around markers and results']!)).toStrictEqual({
      realTimes: [1.5],
      sections: { e2e: 7 },
    });
    expect(parseLogTimings(cases['timestamp prefixes with `+` continuations splitting a marker']!)).toStrictEqual({
      realTimes: [4.004],
      sections: { build: 9 },
    });
    expect(parseLogTimings(cases['`\\r` overwrites and CRLF line ends']!).realTimes).toStrictEqual([2.25, 62.34]);
  });

  it('decodes invalid UTF-8 as response.text() does (U+FFFD), wherever the chunk ends', () => {
    const bytes = Buffer.concat([
      Buffer.from('section_start:1:a\r\x1b[0K\xff'),
      Buffer.from([0xe2, 0x82]),
      Buffer.from(`\nreal 1.5\nsection_end:4:a${K}\n`),
    ]);
    const whole = parseLogTimings(bytes.toString('utf8'));
    expect(whole).toStrictEqual({ realTimes: [1.5], sections: { a: 3 } });
    for (let cut = 0; cut <= bytes.length; cut++) expect(streamed(bytes, [cut])).toStrictEqual(whole);
  });
});
