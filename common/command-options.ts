import type { Command } from 'commander';

/** A subcommand that exits through the top-level handler (code 2 on bad usage, not commander's 1). */
export function subcommand(parent: Command, name: string, description: string): Command {
  return parent
    .command(name)
    .description(description)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
}
