import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { dedupTokenOfText, jsonEachRow } from '../../../src/store/clickhouse/dedup-token.js';
import type { Row } from '../../../src/store/clickhouse/rows.js';

describe('dedupTokenOfText', () => {
  const rows: Row[] = [
    { id: 1, name: 'build', started_at: '2024-05-01 10:00:00.000000', critical_path_build_ids: [3, 4] },
    { id: 2, name: 'tést "quoted"\n', allow_failure: true },
  ];

  it('is the token earlier versions derived row by row, so a retry across an upgrade is still dropped', () => {
    // the formula of the previous release: sha256 over the salt, then each row's JSON and a newline
    const hash = createHash('sha256').update('v7');
    for (const row of rows) hash.update(JSON.stringify(row)).update('\n');
    expect(dedupTokenOfText('ci_finished_builds', jsonEachRow(rows), 'v7')).toBe(`pm1-ci_finished_builds-${hash.digest('hex')}`);
  });

  it('differs by table, salt and content, and holds only the characters the SETTINGS clause may contain', () => {
    const text = jsonEachRow(rows);
    const token = dedupTokenOfText('ci_finished_builds', text);
    expect(token).toMatch(/^pm1-ci_finished_builds-[0-9a-f]{64}$/);
    expect(dedupTokenOfText('ci_finished_pipelines', text)).not.toBe(token);
    expect(dedupTokenOfText('ci_finished_builds', text, 'salt')).not.toBe(token);
    expect(dedupTokenOfText('ci_finished_builds', jsonEachRow(rows.slice(1)))).not.toBe(token);
    expect(text).toBe(`${JSON.stringify(rows[0])}\n${JSON.stringify(rows[1])}\n`);
  });
});
