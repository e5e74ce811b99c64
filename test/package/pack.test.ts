import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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
});
