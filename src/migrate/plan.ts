import { MigrationRefusedError } from './errors.js';
import type { AppliedMigration, MigrationFile } from './types.js';

/**
 * Compares shipped files with a target's ledger and returns the files still to apply, in order.
 * Refuses (MigrationRefusedError naming the file) when an applied file changed (name or
 * checksum), disappeared, or when a pending file sorts before the last applied one.
 */
export function planMigrations(files: readonly MigrationFile[], applied: readonly AppliedMigration[], target: string): MigrationFile[] {
  const byVersion = new Map(files.map((f) => [f.version, f]));
  const problems: string[] = [];
  for (const row of applied) {
    const file = byVersion.get(row.version);
    if (!file) {
      problems.push(`${row.name}.sql was applied (${row.appliedAt}) but is missing from the migrations shipped with this version`);
    } else if (file.name !== row.name) {
      problems.push(`${file.name}.sql has version ${pad(row.version)}, which was applied as ${row.name}.sql`);
    } else if (file.checksum !== row.checksum) {
      problems.push(
        `${file.name}.sql changed after it was applied (${row.appliedAt}): checksum ${short(row.checksum)} → ${short(file.checksum)}`,
      );
    }
  }
  const done = new Set(applied.map((a) => a.version));
  const lastApplied = Math.max(0, ...applied.map((a) => a.version));
  const pending = files.filter((f) => !done.has(f.version));
  for (const file of pending) {
    if (file.version < lastApplied) {
      problems.push(`${file.name}.sql is new but sorts before the already applied version ${pad(lastApplied)}; give it a higher number`);
    }
  }
  if (problems.length > 0) {
    throw new MigrationRefusedError(
      `refusing to migrate ${target}:\n  ${problems.join('\n  ')}\n` +
        'Applied migrations must never be edited, renamed or removed; restore the original files ' +
        'or add a new migration instead.',
    );
  }
  return pending;
}

function pad(version: number): string {
  return String(version).padStart(4, '0');
}

function short(checksum: string): string {
  return checksum.slice(0, 12);
}
