import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { exitCodeFor } from './exit.js';
import { processIO, type CliIO } from './output.js';
import { registerBackfill } from './backfill.js';
import { registerCollect } from './collect.js';
import { registerMigrate } from './migrate.js';
import { registerPush } from './push.js';
import { registerQuery } from './query.js';
import { registerServe } from './serve.js';

/**
 * Builds the program without running it (tests build it in-process with their own `io`).
 * Each command lives in its own file and registers itself here.
 */
export function buildProgram(io: CliIO = processIO): Command {
  const program = new Command('pipeline-metrics')
    .description('Measure GitLab CI pipelines: collect, store, and query pipeline and job metrics.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) })
    .exitOverride();
  registerCollect(program, io);
  registerBackfill(program, io);
  registerMigrate(program, io);
  registerPush(program, io);
  registerQuery(program, io);
  registerServe(program, io);
  return program;
}

/**
 * Parses `argv` (as process.argv: node, script, args…), runs the command and returns the exit
 * code; every error is turned into a message on `io.err` here and nowhere else.
 */
export async function runProgram(argv: readonly string[], io: CliIO = processIO, program: Command = buildProgram(io)): Promise<number> {
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    // commander already printed help, version and usage problems
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    return exitCodeFor(error, io);
  }
}
