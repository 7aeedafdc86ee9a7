import { Command, Option } from 'commander';

/** A subcommand that exits through the top-level handler (code 2 on bad usage, not commander's 1). */
export function subcommand(parent: Command, name: string, description: string): Command {
  return parent
    .command(name)
    .description(description)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
}

/**
 * An option documented with its env variable and default. The value stays undefined when the flag is
 * absent, so the part's own config resolver applies env and default and names the source in errors.
 */
export function envOption(
  flags: string,
  description: string,
  env: string | null,
  shownDefault: string,
): Option {
  const source = env ? `env: ${env}, default: ${shownDefault}` : `default: ${shownDefault}`;
  return new Option(flags, `${description} (${source})`);
}
