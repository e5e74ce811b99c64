import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Chart.js's UMD bundle, inlined into the built CLI by tsup (see tsup.config.ts); absent when run from source. */
declare const __PM_CHART_JS__: string | undefined;

/**
 * The Chart.js UMD bundle's source, inlined into every report (a maintained charting library,
 * MIT, canvas rendering; the page needs nothing from the network). The published package carries
 * it inside dist (chart.js itself is 6 MB installed, so it is not a dependency); from source it is
 * read from the installed package (the version package-lock.json pins). Its `exports` do not list
 * the UMD file, so it is found beside the CommonJS entry (`dist/chart.cjs` → `dist/chart.umd.min.js`).
 */
export async function loadChartJs(): Promise<string> {
  if (typeof __PM_CHART_JS__ === 'string') return __PM_CHART_JS__;
  return readFile(chartJsPath(), 'utf8');
}

function chartJsPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
}
