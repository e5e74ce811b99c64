import type { ReadToken } from '../../config/serve.js';
import { createTokenMatcher } from '../auth.js';

/** What one request may read: every project, or the projects matching the patterns. */
export interface ReadAccess {
  /** undefined: every project */
  readonly projectPatterns?: readonly RegExp[];
}

/** Outcome of authenticating a /graphql request. */
export type ReadAuth = { ok: true; access: ReadAccess } | { ok: false };

/**
 * Read access for /graphql. `open` (no token of any kind configured): everyone reads everything.
 * Otherwise only a read token is accepted; push tokens are not read tokens.
 */
export function createReadAuth(readTokens: readonly ReadToken[], open: boolean): (authorization: string | undefined) => ReadAuth {
  if (open) return () => ({ ok: true, access: {} });
  const match = createTokenMatcher(readTokens.map((t) => t.token));
  const accesses: ReadAccess[] = readTokens.map((t) => (t.projects.length ? { projectPatterns: t.projects.map(globToRegExp) } : {}));
  return (authorization) => {
    const index = match(authorization);
    return index < 0 ? { ok: false } : { ok: true, access: accesses[index]! };
  };
}

export function mayReadProject(access: ReadAccess, fullPath: string): boolean {
  return access.projectPatterns === undefined || access.projectPatterns.some((p) => p.test(fullPath));
}

/** `group/*` matches `group/app`; `group/**` matches `group/sub/app` too. Other characters are literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split(/(\*\*|\*)/)
    .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}
