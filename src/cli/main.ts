import { Command, CommanderError } from 'commander';
import { PipelineMetricsError, EXIT } from '../errors.js';
import { processIO } from './output.js';
import { VERSION } from '../version.js';
import { registerCollect } from './collect.js';
import { registerMigrate } from './migrate.js';
import { registerPush } from './push.js';
import { registerQuery } from './query.js';
import { registerReport } from './report.js';
import { registerServe } from './serve.js';

/** Builds the program. Each command lives in its own file and registers itself here. */
export function buildProgram(): Command {
  const program = new Command('pipeline-metrics')
    .description('Measure GitLab CI pipelines: collect, store, and query pipeline and job metrics.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerCollect(program, processIO);
  registerMigrate(program, processIO);
  registerPush(program, processIO);
  registerQuery(program, processIO);
  registerReport(program, processIO);
  registerServe(program, processIO);
  return program;
}

/** The one exit point: turns typed errors into messages and exit codes. */
async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.exitCode = exitCodeFor(error);
  }
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // commander already printed help/version/usage problems
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof PipelineMetricsError) {
    processIO.err(`error: ${error.message}`);
    return error.exitCode;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  processIO.err(`unexpected error: ${message}`);
  return EXIT.failure;
}

await main(process.argv);
