import { runProgram } from './program.js';

/** The CLI entry (bin/pipeline-metrics.js imports the built copy): the one place that sets the exit status. */
process.exitCode = await runProgram(process.argv);
