import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Bearer-token check in constant time: every configured token is compared (no early exit),
 * on sha256 digests so differing lengths leak nothing either.
 */
export function createTokenCheck(tokens: readonly string[]): (authorization: string | undefined) => boolean {
  const find = createTokenMatcher(tokens);
  return (authorization) => find(authorization) >= 0;
}

/**
 * The index of the configured token an `Authorization: Bearer …` header presents, or -1.
 * Every token is compared (no early exit), on sha256 digests.
 */
export function createTokenMatcher(tokens: readonly string[]): (authorization: string | undefined) => number {
  const digests = tokens.map(digest);
  return (authorization) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    const presented = digest(match?.[1] ?? '');
    let found = -1;
    digests.forEach((expected, i) => {
      if (timingSafeEqual(presented, expected) && found < 0) found = i;
    });
    return match === null ? -1 : found;
  };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
