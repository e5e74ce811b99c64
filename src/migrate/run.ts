import { PipelineMetricsError } from '../errors.js';
import { MigrationFailedError } from './errors.js';
import { planMigrations } from './plan.js';
import type { AppliedMigration, Dialect, MigrationFile, MigrationTarget } from './types.js';

export interface RunMigrationsOptions {
  /** list applied and pending files without applying anything */
  status?: boolean;
}

export interface MigrationReport {
  dialect: Dialect;
  /** the target's description (no secrets) */
  target: string;
  /** names applied by this run, in order (always empty with `status`) */
  applied: string[];
  /** names not applied: with `status` the files a run would apply; otherwise empty */
  pending: string[];
  /** ledger rows that existed before this run, in version order */
  alreadyApplied: AppliedMigration[];
}

/**
 * Applies the pending files in version order under the target's lock. The ledger is read after
 * the lock is taken, so two concurrent runs apply each file once: the second finds it applied.
 * Each file is applied (and recorded) atomically where the engine allows; a failure stops the
 * run and leaves later files pending.
 */
export async function runMigrations(
  target: MigrationTarget,
  files: readonly MigrationFile[],
  options: RunMigrationsOptions = {},
): Promise<MigrationReport> {
  const release = await target.lock();
  try {
    await target.ensureLedger();
    const alreadyApplied = [...(await target.listApplied())].sort((a, b) => a.version - b.version);
    const pending = planMigrations(files, alreadyApplied, target.description);
    const report: MigrationReport = {
      dialect: target.dialect,
      target: target.description,
      applied: [],
      pending: [],
      alreadyApplied,
    };
    if (options.status) {
      report.pending = pending.map((f) => f.name);
      return report;
    }
    for (const file of pending) {
      try {
        await target.apply(file);
      } catch (error) {
        if (error instanceof PipelineMetricsError) throw error;
        throw new MigrationFailedError(file.name, target.description, error);
      }
      report.applied.push(file.name);
    }
    return report;
  } finally {
    await release();
  }
}
