/**
 * The `bluegreen` command: wiring only. Each subcommand has an entry of its own in cli/, which the build
 * bundles with that subcommand's code alone (scripts/bundle.ts), so `serve` starts without reading the
 * loadtester, the demo or the check. Help, version and typos load the entry that knows them all.
 */
import module from 'node:module';
// `bluegreen serve` owns SIGTERM/SIGINT from here on, before its entry is even read (see the module).
import './server/early-signals.js';

// Node 22.1+ can keep V8's compiled code between runs (in NODE_COMPILE_CACHE, else the OS temp dir), so
// a restarted process skips most parsing; on Node 20, serve's entry keeps its own (common/cached-bundle.ts).
// Failing to write it is harmless.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const ENTRIES: Record<string, () => Promise<unknown>> = {
  serve: () => import('./cli/serve.js'),
  load: () => import('./cli/load.js'),
  demo: () => import('./cli/demo.js'),
  check: () => import('./cli/check.js'),
  report: () => import('./cli/report.js'),
};

const requested = process.argv[2];
await (requested !== undefined && Object.hasOwn(ENTRIES, requested)
  ? ENTRIES[requested]!()
  : import('./cli/all.js'));
