import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../errors.js';
import { decodeUtf8 } from '../payload/utf8-text.js';

/**
 * Accept only `application/json` bodies (anything else → 415). Parsing uses fastify's secure
 * parser (rejects `__proto__` / `constructor.prototype` keys); on failure the client gets the
 * reason (e.g. the JSON syntax error and its position), not a generic message. Bytes that are
 * not UTF-8 are refused (400 naming the fields), never decoded to U+FFFD.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const secureParse = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, bytes, done) => {
    let body: string;
    try {
      body = decodeUtf8(bytes as Buffer, 'request body');
    } catch (error) {
      done(error as Error, undefined);
      return;
    }
    void secureParse(request, body, (error, value) => {
      const code = (error as { code?: string } | null)?.code;
      if (code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
        done(new ValidationError('request body', [`(body): ${describeJsonProblem(String(body))}`]), undefined);
      } else {
        done(error, value);
      }
    });
  });
}

function describeJsonProblem(body: string): string {
  try {
    JSON.parse(body);
  } catch (error) {
    return `malformed JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
  return 'forbidden key "__proto__" or "constructor.prototype" in JSON';
}
