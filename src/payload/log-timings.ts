import { ValidationError } from '../errors.js';

/**
 * Step and section timings from a raw GitLab job log. Pure; one pass, linear in the log size
 * (a 50 MB log is fine: per line only `indexOf` checks unless it mentions `section_` or `real`).
 *
 * Lines: `\n` ends a line and trailing `\r`s before it are dropped (`\r\n` logs). GitLab's
 * timestamp prefix (FF_TIMESTAMPS, 32 chars: `2024-05-01T10:00:00.123456Z 00O ` = UTC time,
 * stream number, `O`/`E` stream, then ` ` or `+`) is removed, and a `+` line continues the
 * previous line (joined without a newline), as GitLab's own renderer does.
 *
 * `sections`: markers `section_start:<unix>:<name>[options]\r\e[0K` and
 * `section_end:<unix>:<name>\r\e[0K` (GitLab's own marker grammar; anywhere in a line, several
 * per line) → `{ name: end − start }`, whole seconds, since markers carry unix seconds.
 * Options (`[collapsed=true]`) are not part of the name; a section started with
 * `[hide_duration=true]` is not timed (its end then matches no start and is ignored); the name is kept as written (GitLab's
 * UI lower-cases it). Sections may nest. The same name started and ended several times → the
 * sum of its spans; an end closes the latest open start of that name; an end before its start
 * (clock step) counts 0. A start never ended, or an end never started, is ignored. Keys are in
 * order of first start.
 *
 * `realTimes`: bash `time` results in log order, seconds rounded to ms. A line counts when its
 * visible text — markers removed, then what follows the last `\r` (terminal overwrite), ANSI
 * escape sequences removed, trimmed — is `real` + whitespace + a duration: `0m1.234s` (bash),
 * `1h2m3.5s`, `1m 2.5s` (busybox), `62.34` (`time -p`), with `.` or `,` as decimal mark.
 */
export interface LogTimings {
  realTimes: number[];
  sections: Record<string, number>;
}

const TIMESTAMP_PREFIX_LENGTH = 32;
const SECTION_MARKER = /section_(start|end):(\d+):([A-Za-z0-9_.-]+)(\[\w+=\w+(?:, ?\w+=\w+)*\])?\r\x1b\[0K/g;
/** CSI (`\e[0;m`, `\e[32;1m`, `\e[0K`), OSC (`\e]…\a`) and two-byte escapes. */
const ANSI_ESCAPE = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])/g;
const REAL_LINE = /^real[ \t]+(?:(\d+)h[ \t]*)?(?:(\d+)m[ \t]*)?(\d+(?:[.,]\d+)?)s?$/;

/** Rounds seconds to milliseconds. */
export function roundMs(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/** `' '` for a timestamped line, `'+'` for a timestamped continuation, null without prefix. */
function timestampFlag(line: string): ' ' | '+' | null {
  if (line.length < TIMESTAMP_PREFIX_LENGTH) return null;
  if (line[26] !== 'Z' || line[4] !== '-' || line[10] !== 'T' || line[13] !== ':' || line[27] !== ' ') return null;
  const stream = line[30];
  const flag = line[31];
  if ((stream !== 'O' && stream !== 'E') || (flag !== ' ' && flag !== '+')) return null;
  return flag;
}

/** Visible text of a line without markers: after the last `\r`, ANSI removed, trimmed. */
export function visibleText(line: string): string {
  const text = line.slice(line.lastIndexOf('\r') + 1);
  return (text.includes('\x1b') ? text.replace(ANSI_ESCAPE, '') : text).trim();
}

/** Seconds of a bash `time` result line's visible text, or null when it is not one. */
export function parseRealLine(text: string): number | null {
  const m = REAL_LINE.exec(text);
  if (!m) return null;
  const [, hours, minutes, secs] = m;
  const total = Number(hours ?? 0) * 3600 + Number(minutes ?? 0) * 60 + Number(secs!.replace(',', '.'));
  return roundMs(total);
}

class TimingCollector {
  readonly realTimes: number[] = [];
  private readonly open = new Map<string, number[]>();
  private readonly totals = new Map<string, number>();
  /** names in order of first start (a Set keeps insertion order) */
  private readonly seen = new Set<string>();

  consume(rawLine: string): void {
    let end = rawLine.length;
    while (end > 0 && rawLine.charCodeAt(end - 1) === 13) end--;
    let line = end === rawLine.length ? rawLine : rawLine.slice(0, end);
    if (line.includes('section_')) line = this.takeMarkers(line);
    if (!line.includes('real')) return;
    const seconds = parseRealLine(visibleText(line));
    if (seconds !== null) this.realTimes.push(seconds);
  }

  /** Records every marker of the line and returns the line without them. */
  private takeMarkers(line: string): string {
    return line.replace(SECTION_MARKER, (_m, action: string, unix: string, name: string, options?: string) => {
      // display-only sections around multi-line script commands: not timings anyone asked for
      if (action === 'start' && options?.includes('hide_duration=true')) return '';
      if (action === 'start') this.start(name, Number(unix));
      else this.end(name, Number(unix));
      return '';
    });
  }

  private start(name: string, unix: number): void {
    const stack = this.open.get(name);
    if (stack) stack.push(unix);
    else this.open.set(name, [unix]);
    this.seen.add(name);
  }

  private end(name: string, unix: number): void {
    const started = this.open.get(name)?.pop();
    if (started === undefined) return;
    this.totals.set(name, (this.totals.get(name) ?? 0) + Math.max(0, unix - started));
  }

  sections(): Record<string, number> {
    return Object.fromEntries([...this.seen].filter((n) => this.totals.has(n)).map((n) => [n, this.totals.get(n)!]));
  }
}

/**
 * Lines of a log in order → timings. Takes each raw line (between `\n`s, without the `\n`),
 * removes the timestamp prefix, joins `+` continuation lines, and feeds whole lines to the
 * collector (see the file comment). Shared by parseLogTimings (one string) and
 * createLogTimingsParser (chunks as they arrive), so both read a log by the same rules.
 */
export class LogLineReader {
  private readonly collector = new TimingCollector();
  private pending: string | null = null;

  line(raw: string): void {
    const flag = timestampFlag(raw);
    const content = flag === null ? raw : raw.slice(TIMESTAMP_PREFIX_LENGTH);
    if (flag === '+' && this.pending !== null) {
      this.pending += content;
      return;
    }
    if (this.pending !== null) this.collector.consume(this.pending);
    this.pending = content;
  }

  end(): LogTimings {
    if (this.pending !== null) this.collector.consume(this.pending);
    this.pending = null;
    return { realTimes: this.collector.realTimes, sections: this.collector.sections() };
  }
}

/** Parses `time` results and section durations out of a raw job log (see the file comment). */
export function parseLogTimings(log: string): LogTimings {
  const reader = new LogLineReader();
  let start = 0;
  while (start < log.length) {
    let end = log.indexOf('\n', start);
    if (end === -1) end = log.length;
    reader.line(log.slice(start, end));
    start = end + 1;
  }
  return reader.end();
}

export interface AssignStepsOptions {
  /** when false, a count mismatch throws; when true, matches in order and ignores extras */
  optimistic: boolean;
  /** names the job in errors, e.g. `job "e2e-chrome" (#1043)` */
  jobLabel: string;
}

/**
 * Names the `time` results (seconds) after `steps`, in order, as the original client did.
 * With a `pull` step, `up` becomes pull + up, `up_without_pull` keeps the up-only value and
 * `pull` stays. An empty `steps` list means "no step timings": `{}` and no check. A repeated
 * step name keeps its last value. Values are seconds rounded to ms (callers truncate for the
 * seed fields).
 */
export function assignSteps(realTimes: number[], steps: string[], opts: AssignStepsOptions): Record<string, number> {
  if (steps.length === 0) return {};
  if (realTimes.length !== steps.length && !opts.optimistic) {
    throw new ValidationError(`Step timings of ${opts.jobLabel}`, [
      `the log has ${realTimes.length} bash \`time\` result(s) ("real …" lines) but ${steps.length} step name(s) ` +
        `are configured (${steps.join(', ')}); make the step names match the job's timed commands, ` +
        'or pass --optimistic to assign the results in order and ignore the rest',
    ]);
  }
  const named = new Map<string, number>();
  const count = Math.min(realTimes.length, steps.length);
  for (let i = 0; i < count; i++) named.set(steps[i]!, roundMs(realTimes[i]!));
  const pull = named.get('pull');
  const up = named.get('up');
  if (pull !== undefined && up !== undefined) {
    named.set('up', roundMs(pull + up));
    named.set('up_without_pull', up);
  }
  return Object.fromEntries(named);
}
