import { Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { FastifyInstance } from 'fastify';

/** A request body in an encoding we do not decode: answered 415 (see error-replies). */
export class UnsupportedEncodingError extends Error {
  readonly code = 'PM_UNSUPPORTED_CONTENT_ENCODING';
  constructor(encoding: string) {
    super(`Content-Encoding "${encoding}" is not supported; send identity or gzip`);
  }
}

/**
 * `Content-Encoding: gzip` bodies are decompressed before parsing (clients compress large
 * payloads). The body limit applies to the decompressed bytes — fastify counts what this stream
 * yields and stops at the limit, so a small "zip bomb" cannot inflate past it — and the
 * Content-Length check to the compressed bytes (`receivedEncodedLength`). Other encodings: 415.
 */
export function registerContentEncoding(app: FastifyInstance): void {
  app.addHook('preParsing', async (request, _reply, payload) => {
    const encoding = String(request.headers['content-encoding'] ?? 'identity')
      .trim()
      .toLowerCase();
    if (encoding === 'identity' || encoding === '') return payload;
    if (encoding !== 'gzip' && encoding !== 'x-gzip') throw new UnsupportedEncodingError(encoding);
    return gunzipCounting(payload);
  });
}

function gunzipCounting(payload: Readable): Readable {
  let encoded = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      encoded += chunk.length;
      done(null, chunk);
    },
  });
  const gunzip = createGunzip();
  const output: Readable = payload.pipe(counter).pipe(gunzip);
  Object.defineProperty(output, 'receivedEncodedLength', { get: () => encoded });
  payload.on('error', (error) => gunzip.destroy(error));
  return output;
}
