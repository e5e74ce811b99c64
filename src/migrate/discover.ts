import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.js';
import type { Dialect, MigrationFile } from './types.js';

const PACKAGE_NAME = 'pipeline-metrics';
/** `NNNN_name.sql`: four digits, then lower-case letters, digits and underscores */
const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/**
 * The directory holding this package's package.json, found by walking up from this module.
 * Works from src/ (tsx, vitest) and from dist/ (tsup bundle) alike; never uses the cwd.
 */
export function packageRoot(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
      if (name === PACKAGE_NAME) return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package.json of ${PACKAGE_NAME} not found above ${from}`);
    dir = parent;
  }
}

/** `migrations/<dialect>` of the installed package. */
export function migrationsDir(dialect: Dialect): string {
  return join(packageRoot(), 'migrations', dialect);
}

export function checksumOf(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Reads `NNNN_name.sql` files of a directory, ordered by version. Other files are ignored,
 * except a `.sql` file with a malformed name or a repeated version, which is an error.
 * Checksums are sha256 of the file's bytes (no newline normalisation).
 */
export async function loadMigrations(dir: string): Promise<MigrationFile[]> {
  const entries = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const files: MigrationFile[] = [];
  for (const entry of entries) {
    const match = FILE_PATTERN.exec(entry);
    if (!match) {
      throw new UsageError(`migration file ${join(dir, entry)} is misnamed: expected NNNN_name.sql (e.g. 0003_add_index.sql)`);
    }
    const bytes = await readFile(join(dir, entry));
    const version = Number(match[1]);
    const clash = files.find((f) => f.version === version);
    if (clash) throw new UsageError(`migrations ${clash.name} and ${entry} share version ${match[1]}`);
    files.push({ version, name: entry.slice(0, -'.sql'.length), sql: bytes.toString('utf8'), checksum: checksumOf(bytes) });
  }
  return files.sort((a, b) => a.version - b.version);
}

/** The package's shipped migrations of one dialect. */
export function discoverMigrations(dialect: Dialect): Promise<MigrationFile[]> {
  return loadMigrations(migrationsDir(dialect));
}
