import type { Command } from 'commander';
import { subcommand } from '../common/command-options.js';
import { deployDir } from '../common/package-info.js';
import { addSettings, type Flags } from '../common/settings.js';
import { addLoadFlags, LOAD_TABLE } from '../loadtester/options.js';
import { readAppDeployment } from './manifest.js';
import { DEMO_TABLE, resolveDemoOptions } from './options.js';

export function registerDemo(program: Command): void {
  const demo = subcommand(
    program,
    'demo',
    'play a whole rollout on this machine: app instances, proxy, loadtester, dashboard',
  );
  addLoadFlags(addSettings(demo, DEMO_TABLE)).addHelpText(
    'after',
    '\nThe load flags mean what they mean for `bluegreen load`; without --headless the dashboard is served\n' +
      `(--ui, default port ${LOAD_TABLE.ui.default}) and the run lasts until Ctrl-C unless --duration or --requests is given.\n` +
      'Exit codes: 0 pass, 1 a threshold was broken, 2 bad usage.',
  );
  demo.action(async (flags: Flags) => {
    const deployment = readAppDeployment(deployDir);
    const options = resolveDemoOptions(flags, process.env, deployment);
    const { runDemo } = await import('./main.js');
    process.exitCode = await runDemo(options);
  });
}
