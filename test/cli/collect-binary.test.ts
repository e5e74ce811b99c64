import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PayloadSchema } from '../../src/payload/schema.js';
import { expectedRequests, expectedSeed } from '../fixtures/gitlab/expected.js';
import { generatePipeline, type PipelineFixture } from '../fixtures/gitlab/generate.js';
import { ciEnvFor } from '../fixtures/gitlab/ci-env.js';
import { startGitlabServer, type FixtureServer } from '../fixtures/gitlab/server.js';

/**
 * Runs the built binary (`npm run build` → dist/) as a GitLab CI job would: only CI_*
 * variables and a token in the environment, against the loopback GitLab.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(root, 'bin/pipeline-metrics.js');
/** database drivers, engines and server code, and yaml (only --config and query files need it) */
const DRIVERS = ['pg', '@electric-sql/pglite', 'chdb', '@clickhouse/client', 'yaml', 'fastify'];
/** `--help` also loads no GitLab client, GraphQL or report code: only the command being run does */
const HELP_BANNED = [...DRIVERS, 'graphql', 'graphql-request', '@gitbeaker/rest', '@gitbeaker/core', 'mercurius'];

let fixture: PipelineFixture;
let server: FixtureServer;
let guard: string[];
let helpGuard: string[];
let helpLog: string;
let loadLog: string;
let guardDir: string | undefined;

/**
 * Node flags that make the process fail (exit 97) if it loads a database driver, engine or server
 * code: third-party code is bundled into dist chunks, so a loader hook logs every module loaded and,
 * at exit, dist/metafile-esm.json (esbuild's map of chunk → packages inside) names what they hold.
 * Externals (chDB, PGlite) are caught by name when resolved.
 */
async function writeDriverGuard(dir: string, names: readonly string[] = DRIVERS, label = 'drivers'): Promise<string[]> {
  const hooks = join(dir, `hooks-${label}.mjs`);
  const register = join(dir, `register-${label}.mjs`);
  const onExit = join(dir, `on-exit-${label}.cjs`);
  const log = join(dir, `loaded-${label}.log`);
  if (label === 'drivers') loadLog = log;
  else helpLog = log;
  await writeFile(
    hooks,
    `import { appendFileSync } from 'node:fs';\nexport async function load(url, c, next) { appendFileSync(${JSON.stringify(log)}, url + '\\n'); return next(url, c); }\n`,
  );
  await writeFile(register, `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${hooks}`)});\n`);
  const metafile = join(root, 'dist/metafile-esm.json');
  const banned = `/node_modules\\/(${names.map((d) => d.replace('/', '\\/')).join('|')})\\//`;
  await writeFile(
    onExit,
    `const { readFileSync, existsSync } = require('node:fs');
process.on('exit', () => {
  const loaded = existsSync(${JSON.stringify(log)}) ? readFileSync(${JSON.stringify(log)}, 'utf8').split('\\n') : [];
  const outputs = JSON.parse(readFileSync(${JSON.stringify(metafile)}, 'utf8')).outputs;
  for (const url of loaded) {
    const chunk = url.match(/\\/(dist\\/[^/]+\\.js)$/)?.[1];
    const inputs = chunk && outputs[chunk] ? Object.keys(outputs[chunk].inputs) : url.includes('/node_modules/') ? [url] : [];
    const hit = inputs.find((i) => ${banned}.test(i));
    if (hit) { process.stderr.write('DRIVER_LOADED ' + hit + ' (' + url + ')\\n'); process.exitCode = 97; return; }
  }
});\n`,
  );
  return ['--require', onExit, '--import', register];
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string>, nodeFlags = guard): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...nodeFlags, ...args], { env, cwd: root, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function ciEnv(): Record<string, string> {
  return {
    ...ciEnvFor(fixture, server),
    GITLAB_CI: 'true',
    CI_SERVER_URL: server.origin,
    CI_JOB_TOKEN: 'ci-job-token-not-accepted-here',
  };
}

beforeAll(async () => {
  if (!existsSync(join(root, 'dist/cli.js'))) execFileSync('npx', ['tsup'], { cwd: root, stdio: 'ignore' });
  guardDir = await mkdtemp(join(tmpdir(), 'pm-driver-guard-'));
  guard = await writeDriverGuard(guardDir);
  helpGuard = await writeDriverGuard(guardDir, HELP_BANNED, 'help');
  fixture = generatePipeline({ jobs: 250 });
  server = await startGitlabServer({ fixture, latencyMs: 2 });
});
afterAll(async () => {
  await server?.close();
  if (guardDir) await rm(guardDir, { recursive: true, force: true });
});

describe('pipeline-metrics collect (built binary, CI environment)', () => {
  it('prints the payload of the pipeline on stdout and a summary on stderr', async () => {
    const result = await run([BIN, 'collect'], ciEnv());
    expect(result.stderr).toMatch(
      /^collected pipeline 987654 of qa-group\/platform\/web-app: 259 attempts, 10 logs, 19 requests in \d+\.\d s\n$/,
    );
    expect(result.code).toBe(0);
    const payload = PayloadSchema.parse(JSON.parse(result.stdout));
    const { pipeline, attempts, collector, critical_path, ...seed } = payload;
    expect(seed).toEqual(expectedSeed(fixture));
    expect(attempts).toHaveLength(fixture.attempts.length - 1); // every attempt but the collector's own
    expect(pipeline).toMatchObject({ id: fixture.pipelineId, status: 'running', source: 'push', default_branch: 'main' });
    expect(collector?.name).toBe('pipeline-metrics');
    expect(server.requests.length).toBe(expectedRequests(fixture).withGraph);
    expect(server.requests.filter((r) => r.path === '/api/graphql')).toHaveLength(expectedRequests(fixture).graphPages);
    expect(critical_path?.job_ids.length).toBeGreaterThan(0);
  });

  it('writes --output FILE and keeps stdout empty', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'pm-collect-out-')), 'payload.json');
    const result = await run([BIN, 'collect', '--output', file, '--logs', 'none'], ciEnv());
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const payload = PayloadSchema.parse(JSON.parse(await readFile(file, 'utf8')));
    expect(payload.jobs.map((j) => Object.keys(j))).toEqual(
      expectedSeed(fixture).jobs.map(() => ['name', 'started_at', 'finished_at', 'duration']),
    );
  });

  it('exits non-zero with a clear message when GitLab refuses the token', async () => {
    const result = await run([BIN, 'collect'], { ...ciEnv(), GITLAB_TOKEN: 'revoked' });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: GitLab rejected the token from GITLAB_TOKEN \(401 Unauthorized\).*read_api/);
    // GitLab's own message already starts with the status: said once
    expect(result.stderr).toMatch(/\(GET \/api\/v4\/projects\/\S+ → 401 Unauthorized\)\n$/);
  });

  it('exits 2 listing every missing input', async () => {
    const result = await run([BIN, 'collect'], {});
    expect(result.code).toBe(2);
    expect(result.stderr.match(/^ {2}\w+ \(--/gm)).toEqual(['  gitlabUrl (--', '  token (--', '  project (--', '  pipeline (--']);
  });
});

describe('pipeline-metrics --help', () => {
  it('lists every collect option with its environment fallback', async () => {
    const result = await run([BIN, 'collect', '--help'], {});
    expect(result.code).toBe(0);
    const pairs: Array<[string, string[]]> = [
      ['--gitlab-url', ['CI_API_V4_URL', 'CI_SERVER_URL']],
      ['--token', ['GITLAB_TOKEN', 'PRIVATE_TOKEN', 'CI_JOB_TOKEN']],
      ['--project', ['CI_PROJECT_ID', 'CI_PROJECT_PATH']],
      ['--pipeline', ['CI_PIPELINE_ID']],
      ['--default-branch', ['CI_DEFAULT_BRANCH']],
      ['--job-id', ['CI_JOB_ID']],
      ['--e2e-stage', ['PIPELINE_METRICS_E2E_STAGE']],
      ['--e2e-exclude', ['PIPELINE_METRICS_E2E_EXCLUDE']],
      ['--build-stage', ['PIPELINE_METRICS_BUILD_STAGE']],
      ['--build-jobs', ['PIPELINE_METRICS_BUILD_JOBS']],
      ['--steps', ['PIPELINE_METRICS_STEPS']],
      ['--optimistic', ['PIPELINE_METRICS_OPTIMISTIC']],
      ['--logs', ['PIPELINE_METRICS_LOGS']],
      ['--timeout', ['PIPELINE_METRICS_TIMEOUT']],
      ['--concurrency', ['PIPELINE_METRICS_CONCURRENCY']],
      ['--config', ['PIPELINE_METRICS_CONFIG']],
    ];
    const help = result.stdout.replace(/\n\s+/g, ' ');
    for (const [flag, envs] of pairs) {
      expect(help).toMatch(new RegExp(`${flag}\\b[^]*?\\(env: ${envs.join(', ')}\\)`));
    }
    expect(help).toContain('--output <file>');
  });

  it('loads no database driver or embedded engine, nor the GitLab, GraphQL or server code (and the guard does catch one)', async () => {
    for (const args of [['--help'], ['collect', '--help'], ['query', '--help']]) {
      await rm(helpLog, { force: true });
      const result = await run([BIN, ...args], {}, helpGuard);
      expect(result.stderr).not.toContain('DRIVER_LOADED');
      expect(result.code).toBe(0);
    }
    // the guard does catch one: the chunk that bundles pg, loaded directly
    const outputs = JSON.parse(await readFile(join(root, 'dist/metafile-esm.json'), 'utf8')).outputs as Record<
      string,
      { inputs: Record<string, unknown> }
    >;
    const pgChunk = Object.keys(outputs).find((o) => Object.keys(outputs[o]!.inputs).some((i) => i.includes('node_modules/pg/')))!;
    const loadsPg = await run(['--input-type=module', '-e', `await import(${JSON.stringify(join(root, pgChunk))})`], {});
    expect(loadsPg.stderr).toMatch(/DRIVER_LOADED .*node_modules\/pg\//);
    expect(loadsPg.code).toBe(97);
    await rm(loadLog, { force: true });
    // and a driver resolved from node_modules by name
    const requiresPg = await run(['--input-type=module', '-e', "await import('pg')"], {});
    expect(requiresPg.stderr).toMatch(/DRIVER_LOADED .*node_modules\/pg\//);
    expect(requiresPg.code).toBe(97);
  });
});
