import { EXIT, PipelineMetricsError } from '../errors.js';

/**
 * The runner refuses to touch a database whose ledger disagrees with the shipped files
 * (an applied file changed or disappeared, or a new file sorts before an applied one).
 * Nothing is applied when this is thrown.
 */
export class MigrationRefusedError extends PipelineMetricsError {
  constructor(message: string) {
    super(message, EXIT.failure);
  }
}

/** A migration file's SQL failed; earlier files stay applied, this and later ones stay pending. */
export class MigrationFailedError extends PipelineMetricsError {
  constructor(file: string, target: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `migration ${file}.sql failed on ${target}: ${reason}\nIt was rolled back where the engine allows; fix the cause and run migrate again.`,
      EXIT.failure,
      { cause },
    );
  }
}
