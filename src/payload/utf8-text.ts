import { ValidationError } from '../errors.js';
import { formatPath, ISSUE_LIMIT } from '../validate.js';
import { findTextProblems } from './text-problems.js';

/** Refuses invalid UTF-8; keeps a byte order mark (JSON.parse then rejects it, as before). */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const NOT_UTF8 = 'not valid UTF-8 text (invalid bytes, shown as U+FFFD)';

/**
 * Payload bytes (a request body, a payload file) → text, refusing invalid UTF-8 instead of
 * storing U+FFFD for it (the one text rule, see textProblem). The ValidationError names the
 * fields whose text holds the invalid bytes when the body is still JSON, else `(body)`.
 */
export function decodeUtf8(bytes: Uint8Array, subject: string): string {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    throw new ValidationError(subject, invalidUtf8Issues(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')));
  }
}

function invalidUtf8Issues(lenient: string): string[] {
  let data: unknown;
  try {
    data = JSON.parse(lenient);
  } catch {
    return [`(body): ${NOT_UTF8}`];
  }
  const found = findTextProblems(data, (text) => (text.includes('\uFFFD') ? NOT_UTF8 : null), ISSUE_LIMIT);
  if (found.length === 0) return [`(body): ${NOT_UTF8}`];
  return found.map(({ path, problem }) => `${formatPath(path)}: ${problem}`);
}
