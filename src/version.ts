import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** Read from package.json at run time (works from src/ under tsx and from dist/). */
function readVersion(): string {
  for (const path of ['../package.json', '../../package.json']) {
    try {
      const pkg = require(path) as { name?: string; version?: string };
      if (pkg.name === 'pipeline-metrics' && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0';
}
export const VERSION = readVersion();
