import { EXIT, PipelineMetricsError } from '../errors.js';
import { VERSION } from '../version.js';
import type { CliIO } from './output.js';

/** Where bugs are reported; printed with unexpected errors. */
const ISSUES_URL = 'the pipeline-metrics issue tracker';

/**
 * System errors that are ordinary mistakes, not bugs: a file that is not there, a directory where
 * a file was expected, no permission, a port already taken. They get one line, no stack trace.
 */
const ORDINARY_SYSTEM_ERRORS: Record<string, { what: string; exitCode: number }> = {
  ENOENT: { what: 'no such file or directory', exitCode: EXIT.usage },
  EISDIR: { what: 'is a directory, not a file', exitCode: EXIT.usage },
  ENOTDIR: { what: 'a part of the path is not a directory', exitCode: EXIT.usage },
  EACCES: { what: 'permission denied', exitCode: EXIT.usage },
  EPERM: { what: 'operation not permitted', exitCode: EXIT.usage },
  EADDRINUSE: { what: 'address already in use (another process listens there; choose another --port)', exitCode: EXIT.usage },
  EADDRNOTAVAIL: { what: 'address not available on this machine (check --host)', exitCode: EXIT.usage },
};

interface SystemError {
  code: string;
  path?: string;
  address?: string;
  port?: number;
}

/** Prints what went wrong and returns the exit code: typed errors and ordinary system errors calmly, anything else as a bug. */
export function exitCodeFor(error: unknown, io: CliIO): number {
  if (error instanceof PipelineMetricsError) {
    io.err(`error: ${error.message}`);
    return error.exitCode;
  }
  const system = ordinarySystemError(error);
  if (system) {
    const known = ORDINARY_SYSTEM_ERRORS[system.code]!;
    io.err(`error: ${subjectOf(system)}: ${known.what}`);
    return known.exitCode;
  }
  io.err(bugReport(error));
  return EXIT.failure;
}

function ordinarySystemError(error: unknown): SystemError | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code in ORDINARY_SYSTEM_ERRORS) return e as SystemError;
  }
  return undefined;
}

function subjectOf(error: SystemError): string {
  if (error.path) return error.path;
  if (error.address !== undefined) return `${error.address}${error.port !== undefined ? `:${error.port}` : ''}`;
  return error.code;
}

/** An error we did not foresee: say it is a bug and what to put in the report. */
export function bugReport(error: unknown): string {
  const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return (
    `unexpected error (this is a bug in pipeline-metrics ${VERSION}):\n${detail}\n\n` +
    `Please report it on ${ISSUES_URL} with: the command line you ran (tokens removed), ` +
    `\`pipeline-metrics --version\`, \`node --version\`, your OS, and the text above.`
  );
}
