import { describe, expect, it } from 'vitest';
import { serverMessage } from '../../src/delivery/http.js';

describe('delivery/http helpers', () => {
  it("the server's message: our problem list, a { message }, or the raw text", () => {
    expect(serverMessage('{"errors":["a: x","b: y"]}')).toBe('\n  a: x\n  b: y');
    expect(serverMessage('{"message":"Body Too Large"}')).toBe('Body Too Large');
    expect(serverMessage('<html>Bad Gateway</html>\n')).toBe('<html>Bad Gateway</html>');
    expect(serverMessage('x'.repeat(5_000))).toHaveLength(4_000);
  });
});
