import { LogLineReader, type LogTimings } from './log-timings.js';

/** An incremental log parser: bytes in as they arrive, the same LogTimings as parseLogTimings out. */
export interface LogTimingsParser {
  /** the next bytes of the log, UTF-8, split anywhere (inside a line, a marker or a character) */
  push(chunk: Uint8Array): void;
  /** the log is complete: its timings (push must not be called afterwards) */
  end(): LogTimings;
}

/**
 * Streams a job log through the parser of log-timings.ts: memory holds the current line only,
 * never the whole log, so a 50 MB log costs its longest line. UTF-8 characters split across
 * chunks are decoded whole (invalid bytes become U+FFFD, as `response.text()` would give);
 * a line, a section marker or a `\r` overwrite split across chunks is read whole, because only
 * complete lines (up to `\n`) reach the reader. Results equal parseLogTimings(whole text).
 */
export function createLogTimingsParser(): LogTimingsParser {
  const decoder = new TextDecoder('utf-8');
  const reader = new LogLineReader();
  /** the start of the current line: text after the last `\n` seen */
  let carry = '';
  let ended = false;

  const take = (text: string): void => {
    let newline = text.indexOf('\n');
    if (newline === -1) {
      carry += text;
      return;
    }
    reader.line(carry + text.slice(0, newline));
    let start = newline + 1;
    while ((newline = text.indexOf('\n', start)) !== -1) {
      reader.line(text.slice(start, newline));
      start = newline + 1;
    }
    carry = text.slice(start);
  };

  return {
    push(chunk) {
      if (ended) throw new Error('LogTimingsParser: push after end');
      take(decoder.decode(chunk, { stream: true }));
    },
    end() {
      if (!ended) {
        ended = true;
        take(decoder.decode());
        if (carry !== '') reader.line(carry);
        carry = '';
      }
      return reader.end();
    },
  };
}
