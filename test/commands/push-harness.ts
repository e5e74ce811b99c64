/**
 * Loopback fixtures for push tests: a real `serve` (buildServer + the Postgres server store on a
 * fresh database) and a small HTTP front that answers scripted statuses before forwarding to it.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/server/build-server.js';
import { openServerEngine, type TestEngine } from '../server/engines.js';
import { listen } from '../server/save-metrics-suite.js';

export interface LoopbackServe {
  base: string;
  engine: TestEngine;
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function startServe(label: string, tokens: string[] = []): Promise<LoopbackServe> {
  const engine = await openServerEngine(label);
  const app = buildServer({ sinks: [engine.sink], tokens, bodyLimit: 1024 * 1024 });
  const base = await listen(app);
  return { base, engine, app, close: async () => (await app.close(), await engine.close()) };
}

export interface ScriptedAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Answers the scripted responses in order, then forwards every further request to `forwardTo`
 * (or answers 599 when none). `requests` counts what arrived.
 */
export async function startScripted(
  script: ScriptedAnswer[],
  forwardTo?: string,
): Promise<{ base: string; requests: () => number; close(): Promise<void> }> {
  let count = 0;
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const answer = script[count++];
    if (answer) {
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(answer.body ?? {}));
      return;
    }
    if (!forwardTo) return void res.writeHead(599).end();
    const upstream = await fetch(`${forwardTo}${req.url}`, {
      method: req.method,
      headers: { 'content-type': req.headers['content-type'] ?? '', authorization: req.headers.authorization ?? '' },
      body,
    });
    res.writeHead(upstream.status, { 'content-type': 'application/json' });
    res.end(await upstream.text());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    base: `http://127.0.0.1:${port}`,
    requests: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function pipelineRows(engine: TestEngine, pipelineId: number): Promise<number> {
  const [row] = await engine.query<{ n: number }>('SELECT count(*)::int AS n FROM metrics_pipeline WHERE pipeline_id = $1', [pipelineId]);
  return Number(row!.n);
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
