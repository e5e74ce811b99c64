import { defineConfig } from 'tsup';

// One ESM bundle for the CLI. Database drivers and embedded engines stay external
// and are imported lazily, so `--help` and `collect` never load them.
export default defineConfig({
  entry: { cli: 'src/cli/main.ts', index: 'src/index.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  splitting: true,
});
