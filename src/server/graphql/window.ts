import { ValidationError } from '../../errors.js';
import { defaultRange, type QueryContext } from '../../analytics/index.js';
import type { StoredProject } from '../../store/clickhouse/index.js';
import type { GraphqlContext } from './context.js';

/** The window arguments GitLab's and the seed's fields share. */
export interface WindowArgs {
  fromTime?: Date | null;
  toTime?: Date | null;
  /** CiPipelineSources value, e.g. MERGE_REQUEST_EVENT */
  source?: string | null;
  ref?: string | null;
}

const DAY_MS = 86_400_000;

/**
 * GitLab's window: pipelines whose started_at is in [fromTime, toTime); fromTime defaults to one
 * week before now, toTime to now. Sources are stored lower-case (`merge_request_event`).
 * Throws ValidationError (the compiler's wording) for an empty or too long range.
 */
export function windowContext(args: WindowArgs, project: StoredProject | undefined, context: GraphqlContext): QueryContext {
  const range = defaultRange(context.now);
  const fromTime = args.fromTime ?? range.fromTime;
  const toTime = args.toTime ?? range.toTime;
  const days = (toTime.getTime() - fromTime.getTime()) / DAY_MS;
  const max = context.guards.limits.maxRangeDays;
  if (days <= 0) {
    throw new ValidationError('query', [
      `toTime: toTime (${toTime.toISOString()}) must be after fromTime (${fromTime.toISOString()}); toTime is exclusive`,
    ]);
  }
  if (days > max) throw new ValidationError('query', [`toTime: time range is ${Math.ceil(days)} days; at most ${max} are allowed`]);
  return {
    fromTime,
    toTime,
    ...(project && { projectId: project.id }),
    ...(args.source != null && { source: args.source.toLowerCase() }),
    ...(args.ref != null && args.ref !== '' && { ref: args.ref }),
  };
}
