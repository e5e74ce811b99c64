import { describeBackfillInto } from './backfill-suite.js';
import { pgliteUnderTest } from './backfill-stores.js';

describeBackfillInto('embedded Postgres (PGlite)', pgliteUnderTest);
