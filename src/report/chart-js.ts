import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

/**
 * The Chart.js UMD bundle's source, inlined into every report (a maintained charting library,
 * MIT, canvas rendering; the page needs nothing from the network). Resolved from the installed
 * package so the version is the one package-lock.json pins.
 */
export async function loadChartJs(): Promise<string> {
  const require = createRequire(import.meta.url);
  return readFile(require.resolve('chart.js/dist/chart.umd.min.js'), 'utf8');
}
