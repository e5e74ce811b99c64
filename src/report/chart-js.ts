import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The Chart.js UMD bundle's source, inlined into every report (a maintained charting library,
 * MIT, canvas rendering; the page needs nothing from the network). Read from the installed
 * package (the version package-lock.json pins); its `exports` do not list the UMD file, so it
 * is found beside the package's CommonJS entry (`dist/chart.cjs` → `dist/chart.umd.min.js`).
 */
export async function loadChartJs(): Promise<string> {
  const require = createRequire(import.meta.url);
  return readFile(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
}
