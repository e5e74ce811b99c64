import { createTempDatabase } from '../helpers/postgres-database.js';
import { describeBackfillInto } from './backfill-suite.js';
import { postgresUnderTest } from './backfill-stores.js';

describeBackfillInto('the PostgreSQL server', async () => {
  const db = await createTempDatabase({ prefix: 'pm_backfill', migrate: true });
  return postgresUnderTest(db.url, { close: () => db.drop() });
});
