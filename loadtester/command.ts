import type { Command } from 'commander';
import { subcommand } from '../common/command-options.js';

// Replaced by the loadtester implementation (issue: The loadtester).
export function registerLoad(program: Command): void {
  subcommand(program, 'load', 'send paced load to a URL and tally responses by colour and pod').argument(
    '<url>',
  );
}
