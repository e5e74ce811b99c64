import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: 100 on every Linux architecture Node supports */
const CLOCK_TICKS_PER_SECOND = 100;

/** user + system CPU seconds of a `/proc/…/stat` line (fields 14 and 15, after the command name) */
function statSeconds(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** user + system CPU seconds of a process, all its threads (Linux /proc; NaN elsewhere) */
export function processCpuSeconds(pid: number | undefined): number {
  try {
    return statSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return Number.NaN;
  }
}

/**
 * user + system CPU seconds of a process's live threads, summed by thread name (Linux /proc;
 * empty elsewhere): the main thread as `JavaScript`, libuv's workers (chDB queries run there)
 * under the process's name, ClickHouse's pools under theirs (e.g. MergeMutate). Threads that
 * exited are not listed (their time is the process total minus the sum).
 */
export function threadCpuSeconds(pid: number | undefined): Map<string, number> {
  const byName = new Map<string, number>();
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName; // no /proc: the figures are a diagnostic only
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/[\d:/-]+$/, '');
      // the main thread (tid = pid) runs the JavaScript; libuv's workers share its name
      const name = tid === String(pid) ? 'JavaScript' : comm;
      byName.set(name, (byName.get(name) ?? 0) + statSeconds(stat));
    } catch {
      // a thread that exited while listed
    }
  }
  return byName;
}

/**
 * CPU seconds by thread name between two readings of threadCpuSeconds, with the time of threads
 * that exited meanwhile as `(threads that exited)` (`total`, the process's CPU seconds over the
 * same span, minus what the live threads account for), largest first; threads under `minimum`
 * seconds are left out.
 */
export function threadCpuDelta(
  before: Map<string, number>,
  after: Map<string, number>,
  total: number,
  minimum: number,
): [string, number][] {
  const delta = [...after].map(([name, s]): [string, number] => [name, s - (before.get(name) ?? 0)]);
  const listed = delta.reduce((sum, [, s]) => sum + s, 0);
  // threads that exited took their time with them (and one that ended after `before` takes back its earlier time)
  return [...delta, ['(threads that exited)', total - listed] as [string, number]]
    .filter(([, s]) => s >= minimum)
    .sort((a, b) => b[1] - a[1]);
}
