import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackfill } from '../../src/commands/backfill.js';
import { resolveBackfillConfig } from '../../src/config/backfill.js';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres-database.js';
import { FAST_RETRY, gitlabEnv, startHistory, WINDOW, type BackfillFixture } from './backfill-harness.js';

let fixture: BackfillFixture;
let db: TempDatabase;

beforeAll(async () => {
  fixture = await startHistory();
  db = await createTempDatabase({ prefix: 'pm_backfill_group', migrate: true });
});
afterAll(async () => {
  await fixture?.close();
  await db?.drop();
});

describe('backfill --group, --ref, --source', () => {
  it('every project of the group and its subgroups (GET /groups/:id/projects?include_subgroups=true)', async () => {
    const config = resolveBackfillConfig({ group: 'qa-group', ...WINDOW }, { db: db.url }, gitlabEnv(fixture.server), new Date());
    const before = fixture.server.requests.length;
    const result = await runBackfill(config, { retry: FAST_RETRY });
    expect(result).toMatchObject({ projects: [fixture.history.options.projectId], listed: 12, collected: 12, failed: 0 });
    const groupRequest = fixture.server.requests.slice(before).find((r) => r.path.includes('/groups/'));
    expect(new URL(groupRequest!.path, 'http://x').searchParams.get('include_subgroups')).toBe('true');
  }, 240_000);

  it('--ref and --source reach GitLab as filters; an unknown group fails with GitLab’s 404', async () => {
    const config = resolveBackfillConfig(
      { project: ['4343'], ...WINDOW, ref: 'release', source: 'schedule' },
      { db: db.url },
      gitlabEnv(fixture.server),
      new Date(),
    );
    const before = fixture.server.requests.length;
    expect(await runBackfill(config)).toMatchObject({ listed: 0, failed: 0 });
    const listing = fixture.server.requests
      .slice(before)
      .map((r) => new URL(r.path, 'http://x'))
      .find((u) => u.pathname.endsWith('/pipelines'))!;
    expect(Object.fromEntries(listing.searchParams)).toMatchObject({
      scope: 'finished',
      ref: 'release',
      source: 'schedule',
      order_by: 'updated_at',
      sort: 'asc',
      per_page: '100',
    });

    const unknown = resolveBackfillConfig({ group: 'no-such-group', ...WINDOW }, { db: db.url }, gitlabEnv(fixture.server), new Date());
    await expect(runBackfill(unknown)).rejects.toThrow(/404/);
  }, 120_000);
});
