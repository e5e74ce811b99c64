import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Answers a request Node's HTTP parser refused before any route ran (e.g. a Content-Length that
 * does not match the body, so the extra bytes are not a valid request; or a body that never
 * arrived within the request timeout) in the documented shape `{ errors: [...] }`, then closes
 * the connection, as Node's default does.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, problem] = describe(error.code);
  const body = JSON.stringify({ errors: [problem] });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

function describe(code: string | undefined): [number, string] {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return [408, '(request): the request did not arrive completely in time (is Content-Length right?)'];
  if (code === 'HPE_HEADER_OVERFLOW') return [431, '(headers): request headers too large'];
  return [400, `(request): malformed HTTP request${code ? ` (${code})` : ''}; check Content-Length and Transfer-Encoding`];
}
