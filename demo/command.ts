import type { Command } from 'commander';
import { subcommand } from '../common/command-options.js';

// Replaced by the demo implementation (issue: The embedded default).
export function registerDemo(program: Command): void {
  subcommand(
    program,
    'demo',
    'play a whole rollout on this machine: app instances, proxy, loadtester, dashboard',
  );
}
