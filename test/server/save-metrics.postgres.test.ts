import { describe } from 'vitest';
import { openServerEngine } from './engines.js';
import { describeSaveMetrics } from './save-metrics-suite.js';

describe('POST /save_metrics on the PostgreSQL server', () => {
  describeSaveMetrics(() => openServerEngine('serve'));
});
