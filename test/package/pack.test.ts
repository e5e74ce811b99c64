import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** What `npm pack` would publish: dist, bin, migrations, the engine configuration, example queries, package.json, README, LICENSE — nothing from test. */
describe('npm pack', () => {
  it('ships dist, bin, migrations, the engine configuration, example queries and LICENSE, and nothing from test', () => {
    expect(existsSync('dist/cli.js'), 'run `npm run build` first').toBe(true);
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' });
    const [pack] = JSON.parse(out) as [{ files: { path: string }[] }];
    const paths = pack.files.map((f) => f.path);
    expect(paths).toContain('bin/pipeline-metrics.js');
    expect(paths).toContain('dist/cli.js');
    expect(paths.some((p) => p.startsWith('migrations/postgres/') && p.endsWith('.sql'))).toBe(true);
    expect(paths.some((p) => p.startsWith('migrations/clickhouse/') && p.endsWith('.sql'))).toBe(true);
    expect(paths).toContain('engine/chdb-read-only.xml');
    expect(paths).toContain('LICENSE');
    expect(paths).toContain('examples/queries/job-table.yaml');
    expect(paths).not.toContain('dist/metafile-esm.json');
    const unexpected = paths.filter(
      (p) =>
        !/^(dist\/[^/]+\.js|bin\/.*|migrations\/.*|engine\/[^/]+\.xml|examples\/queries\/[^/]+\.yaml)$/.test(p) &&
        !['package.json', 'README.md', 'LICENSE'].includes(p),
    );
    expect(unexpected).toEqual([]);
  });

  it("bundles zod's English messages only (every command parses what it loads at start), and they still read in English", () => {
    const outputs = JSON.parse(readFileSync('dist/metafile-esm.json', 'utf8')).outputs as Record<
      string,
      { inputs: Record<string, unknown> }
    >;
    const bundled = Object.values(outputs).flatMap((output) => Object.keys(output.inputs));
    expect(bundled.filter((input) => input.includes('node_modules/zod/'))).not.toEqual([]);
    expect(bundled.filter((input) => /node_modules\/zod\/v4\/locales\//.test(input))).toEqual(['node_modules/zod/v4/locales/en.js']);
    // a payload zod refuses, through the built binary: the message is zod's English one
    const bin = fileURLToPath(new URL('../../bin/pipeline-metrics.js', import.meta.url));
    let stderr = '';
    try {
      execFileSync(process.execPath, [bin, 'push', '-', '--url', 'http://127.0.0.1:9/'], {
        input: '{"pipeline_id": "x"}',
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (error) {
      stderr = String((error as { stderr?: string }).stderr);
    }
    expect(stderr).toContain('pipeline_id: Invalid input: expected number, received string');
  });
});
