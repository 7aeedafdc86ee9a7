import type { Command } from 'commander';
import { subcommand } from '../common/command-options.js';
import { addSettings, type Flags } from '../common/settings.js';
import { IDENTITY_ENV, SERVE_TABLE, resolveServeConfig } from './config.js';

export function registerServe(program: Command): void {
  const serve = subcommand(program, 'serve', 'run the colour-tagged target app').addHelpText(
    'after',
    `\nPod identity comes from ${IDENTITY_ENV.slice(0, -1).join(', ')} and ${IDENTITY_ENV.at(-1)} (Kubernetes downward API), else the hostname.`,
  );
  addSettings(serve, SERVE_TABLE).action(async (flags: Flags) => {
    const config = resolveServeConfig(flags, process.env);
    const { runServe } = await import('./main.js');
    await runServe(config);
  });
}
