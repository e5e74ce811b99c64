import { describeBackfillInto } from './backfill-suite.js';
import { chdbUnderTest } from './backfill-stores.js';

describeBackfillInto('embedded ClickHouse (chDB)', chdbUnderTest);
