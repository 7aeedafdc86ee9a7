/**
 * The `bluegreen` program every entry in this folder runs: commander set up once, the given subcommands
 * registered, errors turned into exit codes (2 for bad usage, 1 for failures, 0 for help and version).
 */
import { Command, CommanderError } from 'commander';
import { survivePipeClosure } from '../common/closed-output.js';
import { packageVersion } from '../common/package-info.js';
import { UsageError } from '../common/usage-error.js';

export type Register = (program: Command) => void;

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

export async function runCli(registers: Register[]): Promise<void> {
  survivePipeClosure(process.stdout);
  survivePipeClosure(process.stderr);

  const program = new Command('bluegreen')
    .description('Blue/Green load-test target and live traffic dashboard for Kubernetes rollouts')
    .version(packageVersion)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of registers) register(program);

  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    exitFor(error);
  }
}
