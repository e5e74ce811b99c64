import type { DeliveryTargets } from '../config/push.js';
import { redactUrl } from '../redact-url.js';

/**
 * The command that resends a kept payload to the same targets, without secrets: a URL with a
 * password becomes the bare flag (`--db` / `--clickhouse` then read DATABASE_URL /
 * CLICKHOUSE_URL), and the notes say which environment variable must hold what was left out.
 */
export function resendCommand(file: string, targets: DeliveryTargets): string {
  const words = ['pipeline-metrics', 'push', shellQuote(file)];
  const notes: string[] = [];
  if (targets.url) {
    words.push('--url', shellQuote(redactUrl(targets.url)));
    if (targets.token) notes.push('the token is read from PIPELINE_METRICS_TOKEN');
  }
  if (targets.postgres) words.push(...storeFlag('--db', targets.postgres, 'DATABASE_URL', notes));
  if (targets.clickhouse) words.push(...storeFlag('--clickhouse', targets.clickhouse, 'CLICKHOUSE_URL', notes));
  return notes.length ? `${words.join(' ')}  (${notes.join('; ')})` : words.join(' ');
}

function storeFlag(flag: string, spec: string, envName: string, notes: string[]): string[] {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) return [flag, shellQuote(spec)];
  const shown = redactUrl(spec);
  if (shown === new URL(spec).href) return [flag, shellQuote(spec)];
  notes.push(`${flag} without a value reads ${envName}, which must hold the URL with its password`);
  return [flag];
}

/** Single-quoted for POSIX shells unless it is plainly safe. */
function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
