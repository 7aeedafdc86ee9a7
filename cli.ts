/**
 * The `bluegreen` command: wiring only. Each subcommand's options live in its part's command.ts, which
 * loads the part's implementation lazily so `serve` starts without loading the loadtester or the demo.
 */
// First: `serve` must own SIGTERM/SIGINT before anything else loads (see the module).
import './server/early-signals.js';
import { Command, CommanderError } from 'commander';
import { survivePipeClosure } from './common/closed-output.js';
import { packageVersion } from './common/package-info.js';
import { UsageError } from './common/usage-error.js';

type Register = (program: Command) => void;
const SUBCOMMANDS: Record<string, () => Promise<Register>> = {
  serve: async () => (await import('./server/command.js')).registerServe,
  load: async () => (await import('./loadtester/command.js')).registerLoad,
  demo: async () => (await import('./demo/command.js')).registerDemo,
  check: async () => (await import('./check/command.js')).registerCheck,
  report: async () => (await import('./loadtester/report-command.js')).registerReport,
};

survivePipeClosure(process.stdout);
survivePipeClosure(process.stderr);

const program = new Command('bluegreen')
  .description('Blue/Green load-test target and live traffic dashboard for Kubernetes rollouts')
  .version(packageVersion)
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

// A known subcommand loads only its own part's options: the others' imports stay off its startup path
// (app pods start faster). Anything else (help, a typo) registers them all.
const requested = process.argv[2];
const names = requested && requested in SUBCOMMANDS ? [requested] : Object.keys(SUBCOMMANDS);
for (const name of names) (await SUBCOMMANDS[name]!())(program);

function exitFor(error: unknown): never {
  if (error instanceof CommanderError) {
    // Help and version exit 0; every other parse error is bad usage.
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  if (error instanceof UsageError) {
    process.stderr.write(`bluegreen: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `bluegreen: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  exitFor(error);
}
