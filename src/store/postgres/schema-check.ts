import { UsageError } from '../../errors.js';
import { discoverMigrations } from '../../migrate/discover.js';
import { planMigrations } from '../../migrate/plan.js';
import { runMigrations } from '../../migrate/run.js';
import type { SqlClient } from './client.js';
import { createPostgresMigrationTarget, listApplied } from './migration-target.js';

/**
 * Makes sure the shipped migrations are applied before a store writes. An embedded directory
 * is migrated on open when `autoMigrate`; a server never is (that is `migrate`'s job, run once
 * with the right privileges): pending files there are a UsageError saying what to run.
 * A changed or missing applied file is a MigrationRefusedError either way.
 */
export async function ensureSchema(client: SqlClient, autoMigrate: boolean): Promise<void> {
  const files = await discoverMigrations('postgres');
  if (client.kind === 'embedded' && autoMigrate) {
    await runMigrations(createPostgresMigrationTarget(client), files);
    return;
  }
  const pending = planMigrations(files, await listApplied(client), client.description);
  if (pending.length === 0) return;
  const target = client.kind === 'server' ? client.description : client.description.replace(/^embedded Postgres at /, '');
  throw new UsageError(
    `${client.description} is not ready: ${pending.length} migration(s) not applied ` +
      `(${pending.map((f) => f.name).join(', ')}).\n` +
      `Run \`pipeline-metrics migrate --db ${target}\` first` +
      (client.kind === 'server' ? ' (with the password).' : '.'),
  );
}
