/**
 * `npm run build` (after the type check): bundles the CLI into dist/ with esbuild, so `bluegreen serve`
 * starts by reading two files instead of a few hundred (resolving and loading modules was most of its
 * start-up). dist/cli.js is cli.ts: it picks the subcommand's entry. Each entry in cli/ is
 * bundled on its own with everything it imports, so an entry holds one subcommand's code and no other's.
 *
 * fastify and commander (what `serve` needs to start) are bundled. The other runtime dependencies stay
 * in node_modules: they are loaded off serve's start path or by other subcommands, and some find their
 * own files at run time (kubernetes-models by computed path, autocannon's workers).
 *
 * Source maps are written beside every file; Node applies them with --enable-source-maps (or
 * NODE_OPTIONS=--enable-source-maps). They are not on by default because reading them is a start-up cost.
 */
import { build, type BuildOptions, type BuildResult, type Metafile, type Plugin } from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { distDir, packageRoot } from '../common/package-info.js';

const BUNDLED_DEPENDENCIES = new Set(['fastify', 'commander']);
// What fastify requires only on first use (the schema compilers, Ajv and fast-json-stringify, about
// 600 KiB, and inject()): left out so serve does not parse them at start. They resolve from node_modules,
// where fastify's own dependencies are installed.
const FASTIFY_LAZY = ['@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler', 'light-my-request'];

/**
 * Modules that bundled dependencies require when they load but use only in features serve does not use:
 * fastify's HTTPS and HTTP/2 servers (loading node:https and node:http2 also loads TLS and crypto),
 * fastify's plugin version check (semver) and pino's worker-thread transports. Each is replaced by a
 * stand-in that loads the real module on first use. Keyed by module, valued by the requiring files.
 */
const DEFERRED: Record<string, RegExp> = {
  'node:https': /node_modules\/fastify\/lib\/server\.js$/,
  'node:http2': /node_modules\/fastify\/lib\/server\.js$/,
  semver: /node_modules\/fastify\/lib\/plugin-utils\.js$/,
  'thread-stream': /node_modules\/pino\/lib\/transport\.js$/,
};

const deferRequires: Plugin = {
  name: 'defer-requires',
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(DEFERRED).join('|')})$`);
    build.onResolve({ filter }, (args) =>
      args.kind === 'require-call' && DEFERRED[args.path]!.test(args.importer)
        ? { path: args.path, namespace: 'deferred', pluginData: args.resolveDir }
        : undefined,
    );
    // A function target so the stand-in also works as a constructor (thread-stream is a class).
    build.onLoad({ filter: /.*/, namespace: 'deferred' }, (args) => ({
      contents: `let real;
const load = () => (real ??= require(${JSON.stringify(args.path)}));
module.exports = new Proxy(function deferred() {}, {
  get: (_, key) => load()[key],
  has: (_, key) => key in load(),
  apply: (_, self, args) => Reflect.apply(load(), self, args),
  construct: (_, args) => Reflect.construct(load(), args),
});`,
      loader: 'js',
      resolveDir: args.pluginData as string,
    }));
  },
};

const entriesApart: Plugin = {
  name: 'entries-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/cli\// }, (args) => ({ path: args.path, external: true }));
  },
};

const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};
const external = [
  ...Object.keys(pkg.dependencies).filter((name) => !BUNDLED_DEPENDENCIES.has(name)),
  ...FASTIFY_LAZY,
];

/**
 * Bundled into one entry only: `load` starts by reading undici's Client and hdr-histogram-js's one
 * histogram class (loadtester/run/engine/undici-engine.ts, loadtester/count/histogram.ts) from its own file instead of
 * resolving and reading about 40 module files.
 */
const BUNDLED_FOR: Record<string, Set<string>> = {
  'cli/load.ts': new Set(['undici', 'hdr-histogram-js']),
};
const externalFor = (entry: string): string[] => external.filter((name) => !BUNDLED_FOR[entry]?.has(name));

const entries = readdirSync(join(packageRoot, 'cli'))
  .filter((file) => file.endsWith('.ts') && file !== 'program.ts')
  .map((file) => `cli/${file}`);

const common: BuildOptions = {
  absWorkingDir: packageRoot,
  outdir: distDir,
  outbase: '.',
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
};

mkdirSync(distDir, { recursive: true });
// Only what this build writes (an older tsc build left a tree per part); dist/web is vite's.
for (const name of readdirSync(distDir, { withFileTypes: true }))
  if (name.name !== 'web') rmSync(join(distDir, name.name), { recursive: true, force: true });

/**
 * Entries whose start-up time matters (a pod is not ready until it answers): built as one CommonJS file
 * (dist/cli/<name>.cjs), which a small ES module at the entry's usual path (dist/cli/<name>.js) runs with
 * V8's code cache kept between runs (common/cached-bundle.ts): Node 20 caches compiled code only for
 * scripts, not ES modules. The parts loaded after the command line is parsed (the app) stay lazy inside
 * the file: their modules are parsed but neither compiled nor run until used.
 */
const CACHED_ENTRIES = new Set(['cli/serve.ts']);

function moduleEntry(entry: string): Promise<BuildResult> {
  // One build per entry: code splitting shares modules only among the files of one entry, and one
  // process runs one entry.
  return build({
    ...common,
    entryPoints: [entry],
    entryNames: '[dir]/[name]',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    external: externalFor(entry),
    plugins: [deferRequires],
    // Bundled CommonJS (fastify's tree) calls require() for Node's built-ins; ESM output has none of its own.
    banner: {
      js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);",
    },
  });
}

async function cachedEntry(entry: string): Promise<BuildResult> {
  const name = basename(entry, '.ts');
  const result = await build({
    ...common,
    entryPoints: [entry],
    entryNames: '[dir]/[name]',
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    bundle: true,
    external: externalFor(entry),
    plugins: [deferRequires],
    // import() of a dependency becomes require(): a script compiled through vm has no module loader.
    supported: { 'dynamic-import': false },
    define: { 'import.meta.url': '__bundleUrl' },
    banner: { js: "var __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  const starter = await build({
    ...common,
    stdin: {
      contents: `import { runCachedBundle } from './common/cached-bundle.ts';\nrunCachedBundle(new URL('./${name}.cjs', import.meta.url));\n`,
      resolveDir: packageRoot,
      sourcefile: `${entry} (starter)`,
    },
    outdir: undefined,
    outfile: join(distDir, dirname(entry), `${name}.js`),
    bundle: true,
  });
  const dynamic = Object.values(result.metafile!.outputs)
    .flatMap((output) => output.imports)
    .filter((imported) => imported.kind === 'dynamic-import');
  if (dynamic.length > 0)
    throw new Error(
      `${entry}: import() left in its CommonJS bundle: ${dynamic.map((i) => i.path).join(', ')}`,
    );
  return { ...result, metafile: mergeMetafiles(result.metafile!, starter.metafile!) };
}

function mergeMetafiles(a: Metafile, b: Metafile): Metafile {
  return { inputs: { ...a.inputs, ...b.inputs }, outputs: { ...a.outputs, ...b.outputs } };
}

const [dispatcher, parentWatch, ...entryResults] = await Promise.all([
  // With the module it runs first (server/early-signals.ts); the entries it picks stay files of their own.
  build({ ...common, entryPoints: ['cli.ts'], bundle: true, plugins: [entriesApart] }),
  // Preloaded by path into the demo's pods (demo/pod.ts).
  build({ ...common, entryPoints: ['demo/parent-watch.ts'], bundle: true }),
  ...entries.map((entry) => (CACHED_ENTRIES.has(entry) ? cachedEntry(entry) : moduleEntry(entry))),
]);
const results = [dispatcher!, parentWatch!, ...entryResults];

// The sources each entry's files hold (test/check/command.test.ts checks serve holds no check code).
const inputs = Object.fromEntries(
  entries.map((entry, i) => [entry, Object.keys(entryResults[i]!.metafile!.inputs).sort()]),
);
writeFileSync(join(distDir, 'bundle-inputs.json'), JSON.stringify(inputs, null, 1) + '\n');

function sizes(metafile: Metafile | undefined): string[] {
  return Object.entries(metafile?.outputs ?? {})
    .filter(([file]) => /\.c?js$/.test(file) && !file.includes('/chunks/'))
    .map(([file, output]) => `${file.replace(/^dist\//, '')} ${Math.round(output.bytes / 1024)} KiB`);
}
console.log(`bundled: ${results.flatMap((r) => sizes(r.metafile)).join(', ')}`);
