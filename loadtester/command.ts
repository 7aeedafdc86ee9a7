import type { Command } from 'commander';
import { subcommand } from '../common/command-options.js';
import { addLoadFlags, resolveLoadOptions } from './options.js';

export function registerLoad(program: Command): void {
  const load = subcommand(program, 'load', 'send paced load to a URL and tally responses by colour and pod')
    .argument('<url>', 'http(s) URL, sent as given (a Service, an Ingress, or an app)')
    .addHelpText('after', '\nExit codes: 0 pass, 1 a threshold was broken, 2 bad usage.');
  addLoadFlags(load).action(async (url: string, flags: Record<string, unknown>) => {
    const options = resolveLoadOptions(url, flags, process.env);
    const { runLoadCommand } = await import('./main.js');
    process.exitCode = await runLoadCommand(options);
  });
}
