/**
 * Typed errors. Each carries a message that says what happened, why, and what to do,
 * plus the process exit code the CLI uses and the original `cause`.
 * The CLI entry is the only place that turns them into output and an exit status.
 */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** input (payload, query file, GitLab JSON) failed validation, or a server rejected it (4xx) */
  rejected: 3,
  /** a server, database or GitLab could not be reached (network, 5xx, timeouts) */
  unreachable: 4,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class PipelineMetricsError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Wrong flags, arguments or configuration. */
export class UsageError extends PipelineMetricsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.usage, options);
  }
}

/** Input failed a schema; `issues` are `path: message` lines, all of them at once. */
export class ValidationError extends PipelineMetricsError {
  readonly issues: readonly string[];
  constructor(subject: string, issues: readonly string[], options?: { cause?: unknown }) {
    super(`${subject} is invalid:\n  ${issues.join('\n  ')}`, EXIT.rejected, options);
    this.issues = issues;
  }
}

/** A remote (GitLab, metrics server, database) answered with an error or not at all. */
export class UpstreamError extends PipelineMetricsError {
  readonly status: number | undefined;
  constructor(message: string, options?: { cause?: unknown; status?: number; exitCode?: ExitCode }) {
    super(message, options?.exitCode ?? EXIT.unreachable, options);
    this.status = options?.status;
  }
}

/** A lazily loaded optional dependency (chDB, PGlite) is not installed. */
export class MissingDependencyError extends PipelineMetricsError {
  /** `server`: how to point at a server instead, e.g. `--clickhouse http://host:8123 (or CLICKHOUSE_URL)` */
  constructor(pkg: string, purpose: string, server: string, options?: { cause?: unknown }) {
    super(
      `${purpose} needs the optional package "${pkg}", which is not installed.\n` +
        `Install it next to pipeline-metrics (npm i ${pkg}), or point at a server instead: ${server}.`,
      EXIT.usage,
      options,
    );
  }
}
