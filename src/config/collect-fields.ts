import { parseWholeNumber } from './integer.js';
import { LOG_SCOPES, type LogScope } from '../payload/options.js';

/**
 * Parsers of single `collect` settings: a raw value (already chosen by precedence, see
 * collect.ts) → a typed value, or a problem `field: message` pushed to `problems`. No
 * precedence and no environment here.
 */

/** Accepts the API root or the instance URL (`/api/v4` is appended when missing). */
export function apiUrl(raw: string | undefined, problems: string[]): string | undefined {
  const field = 'gitlabUrl (--gitlab-url / CI_API_V4_URL / CI_SERVER_URL)';
  if (raw === undefined) return void problems.push(`${field}: required, e.g. https://gitlab.example.com/api/v4`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return void problems.push(`${field}: "${raw}" is not a URL; expected http(s)://host[/path]/api/v4`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return void problems.push(`${field}: protocol must be http or https, got "${url.protocol}"`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path.endsWith('/api/v4') ? path : `${path}/api/v4`}`;
}

export function projectRef(raw: string | undefined, problems: string[]): string | undefined {
  const field = 'project (--project / CI_PROJECT_ID / CI_PROJECT_PATH)';
  if (raw === undefined) return void problems.push(`${field}: required, a numeric project id or a path like group/sub/project`);
  if (/^[1-9]\d*$/.test(raw) || /^[^\s/]+(\/[^\s/]+)+$/.test(raw)) return raw;
  return void problems.push(`${field}: "${raw}" is neither a numeric id nor a path like group/sub/project`);
}

export function positiveInt(raw: string | undefined, field: string, problems: string[], required: boolean): number | undefined {
  if (raw === undefined) return required ? void problems.push(`${field}: required, a positive integer id`) : undefined;
  if (/^[1-9]\d*$/.test(raw) && Number.isSafeInteger(Number(raw))) return Number(raw);
  return void problems.push(`${field}: "${raw}" is not a positive integer id`);
}

/** Seconds, > 0 and <= 3600. */
export function timeoutSeconds(raw: string | undefined, field: string, problems: string[]): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (Number.isFinite(value) && value > 0 && value <= 3600) return value;
  return void problems.push(`${field}: "${raw}" must be seconds, a number > 0 and <= 3600`);
}

/** An integer in [min, max]; `fallback` when absent or invalid (then a problem is listed). */
export function intInRange(
  raw: string | undefined,
  field: string,
  range: { min: number; max: number; fallback: number },
  problems: string[],
): number {
  if (raw === undefined) return range.fallback;
  const value = parseWholeNumber(raw, range.min, range.max);
  if (value !== undefined) return value;
  problems.push(`${field}: "${raw}" must be an integer from ${range.min} to ${range.max}`);
  return range.fallback;
}

/** `true/false/1/0/yes/no` (any case); undefined when absent. */
export function booleanText(raw: string | undefined, field: string, problems: string[]): boolean | undefined {
  const text = raw?.toLowerCase();
  if (text === undefined) return undefined;
  if (['1', 'true', 'yes'].includes(text)) return true;
  if (['0', 'false', 'no'].includes(text)) return false;
  return void problems.push(`${field}: "${raw}" is not allowed; allowed: true, false, 1, 0, yes, no`);
}

/** A list given as an array or a space/comma separated string; `fallback` when absent. */
export function nameList(value: string | string[] | undefined, fallback: string[]): string[] {
  if (value === undefined) return fallback;
  return (Array.isArray(value) ? value : value.split(/[\s,]+/)).map((s) => s.trim()).filter(Boolean);
}

export function stepNames(steps: string[], field: string, problems: string[]): string[] {
  if (steps.length === 0 || new Set(steps).size !== steps.length) {
    problems.push(`${field}: "${steps.join(' ')}" must be distinct step names, e.g. "up e2e" or "pull up e2e"`);
  }
  return steps;
}

export function logScope(raw: string, field: string, problems: string[]): LogScope {
  if (!(LOG_SCOPES as readonly string[]).includes(raw)) {
    problems.push(`${field}: "${raw}" is not allowed; allowed: ${LOG_SCOPES.join(', ')}`);
  }
  return raw as LogScope;
}
