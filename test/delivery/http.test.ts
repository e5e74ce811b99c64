import { describe, expect, it } from 'vitest';
import { parseRetryAfter, serverMessage } from '../../src/delivery/http.js';

describe('delivery/http helpers', () => {
  it('Retry-After: delay-seconds or an HTTP date, in milliseconds', () => {
    const now = Date.parse('2024-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3_000);
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:00:05 GMT', now)).toBe(5_000);
    expect(parseRetryAfter('Sun, 31 Dec 2023 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it("the server's message: our problem list, a { message }, or the raw text", () => {
    expect(serverMessage('{"errors":["a: x","b: y"]}')).toBe('\n  a: x\n  b: y');
    expect(serverMessage('{"message":"Body Too Large"}')).toBe('Body Too Large');
    expect(serverMessage('<html>Bad Gateway</html>\n')).toBe('<html>Bad Gateway</html>');
    expect(serverMessage('x'.repeat(5_000))).toHaveLength(4_000);
  });

});
