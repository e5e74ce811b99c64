import { describe } from 'vitest';
import { openPgliteEngine } from './engines.js';
import { describeSaveMetrics } from './save-metrics-suite.js';

describe('POST /save_metrics on embedded Postgres (PGlite)', () => {
  describeSaveMetrics(openPgliteEngine);
});
