import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickhouseStore, type ClickhouseStore } from '../../../src/store/clickhouse/index.js';
import { buildPayload } from './payloads.js';

/**
 * On a ClickHouse SERVER, inserts are asynchronous inserts that are waited for
 * (async_insert=1, wait_for_async_insert=1): the server buffers many small inserts into fewer
 * parts, and a save settles only once its rows are written. No ClickHouse server runs here, so
 * a loopback server shaped like ClickHouse's HTTP interface (settings as URL parameters, the
 * statement in `query` or in the body, X-ClickHouse-Summary on every answer) records what the
 * store sends; it answers the existence check with "nothing stored".
 */
interface Recorded {
  statement: string;
  settings: URLSearchParams;
}

const recorded: Recorded[] = [];
let server: Server;
let store: ClickhouseStore;

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const statement = url.searchParams.get('query') ?? body;
      recorded.push({ statement, settings: url.searchParams });
      response.setHeader('X-ClickHouse-Summary', '{"read_rows":"0","written_rows":"0"}');
      response.setHeader('X-ClickHouse-Format', 'JSONCompact');
      response.end(/^\s*SELECT/i.test(statement) ? JSON.stringify({ meta: [], data: [], rows: 0 }) : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  store = await openClickhouseStore(`http://default:secret@127.0.0.1:${port}/analytics`);
});

afterAll(async () => {
  await store?.close();
  await new Promise((resolve) => server?.close(resolve));
});

describe('a save to a ClickHouse server', () => {
  it('inserts each table once as an asynchronous insert that is waited for, with its deduplication token', async () => {
    const payload = buildPayload({
      id: 9_100_001,
      startedAt: '2024-05-01T10:00:00.000Z',
      jobs: [
        { id: 9_100_001_01, name: 'build', stage: 'build', status: 'success', startOffset: 0, duration: 30, sections: { script: 20 } },
      ],
    });
    await expect(store.save(payload)).resolves.toBe('created');

    const inserts = recorded.filter((r) => /^INSERT INTO/i.test(r.statement));
    expect(inserts.map((r) => /^INSERT INTO (\w+)/i.exec(r.statement)![1]).sort()).toEqual([
      'ci_finished_build_sections',
      'ci_finished_builds',
      'ci_finished_pipelines',
    ]);
    for (const insert of inserts) {
      expect(insert.settings.get('async_insert')).toBe('1');
      expect(insert.settings.get('wait_for_async_insert')).toBe('1');
      expect(insert.settings.get('async_insert_deduplicate')).toBe('1');
      expect(insert.settings.get('database')).toBe('analytics');
      expect(insert.statement).toMatch(/SETTINGS insert_deduplication_token = 'pm1-ci_finished_\w+-[0-9a-f]{64}'/);
    }
    // the existence check is a read: no insert settings on it
    const check = recorded.find((r) => /^\s*SELECT/i.test(r.statement))!;
    expect(check.statement).toContain('ci_finished_pipelines');
    expect(check.settings.get('async_insert')).toBeNull();
  });
});
