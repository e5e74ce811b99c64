import { buildServer } from '../../src/server/build-server.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { createTempDatabase } from '../helpers/postgres-database.js';
import { listen } from '../server/save-metrics-suite.js';
import { describeBackfillInto } from './backfill-suite.js';
import { postgresUnderTest } from './backfill-stores.js';

const TOKEN = 'backfill-s3cret';

/** Through a metrics server (POST /pipelines/known, PUT /pipelines/:id/metrics) on the PostgreSQL server. */
describeBackfillInto('a metrics server on the PostgreSQL server', async () => {
  const db = await createTempDatabase({ prefix: 'pm_backfill_serve', migrate: true });
  const app = buildServer({ sinks: [await openPostgresStore(db.url)], tokens: [TOKEN], bodyLimit: 4 * 1024 * 1024 });
  const base = await listen(app);
  return postgresUnderTest(db.url, {
    delivery: { url: base, token: TOKEN },
    close: async () => {
      await app.close();
      await db.drop();
    },
  });
});
