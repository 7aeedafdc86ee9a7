import type { Command } from 'commander';
import { subcommand } from '../common/command-options.js';
import { addSettings, examples, type Flags } from '../common/settings.js';
import { addLoadFlags, LOAD_TABLE } from '../loadtester/options.js';
import { DEMO_TABLE, HEADLESS_DURATION, resolveDemoOptions } from './options.js';

export function registerDemo(program: Command): void {
  const demo = subcommand(
    program,
    'demo',
    'play a whole rollout on this machine: app instances, proxy, loadtester, dashboard',
  );
  addLoadFlags(addSettings(demo, DEMO_TABLE), {
    heading: 'Load options (as for `bluegreen load`):',
    // The demo runs until Ctrl-C by itself and always targets its own front door.
    omit: ['serve', 'kube', 'kubeContext', 'kubeNamespace', 'kubeSelector', 'kubeService'],
    shown: {
      duration: `until Ctrl-C; ${HEADLESS_DURATION} with --headless`,
      ui: `${LOAD_TABLE.ui.default}, served unless --headless`,
      uiHost: '127.0.0.1',
    },
  })
    .addHelpText(
      'after',
      examples([
        ['bluegreen demo', `dashboard on http://127.0.0.1:${LOAD_TABLE.ui.default}/ to watch`],
        ['bluegreen demo --allow-control', 'roll out and back from the page (npm start adds it)'],
        ['bluegreen demo --ui 0', 'any free port for the dashboard (npm start -- --ui 0)'],
        [
          'bluegreen demo --via ingress --strategy recreate',
          'per-request balancing; a rollout with downtime',
        ],
        ['bluegreen demo --drain-seconds 0', 'see the requests a missing drain loses'],
        [
          'bluegreen demo --via gateway --allow-control',
          'Gateway API: a weighted canary, a weight slider on the page',
        ],
        [
          'bluegreen demo --headless --strategy canary --max-errors 0',
          'scripted; exits with the code of its report',
        ],
      ]),
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 pass, 1 a threshold was broken, 2 bad usage, 3 passed but a report file (--json, --html, --timeline) could not be written.',
    );
  demo.action(async (flags: Flags) => {
    const options = resolveDemoOptions(flags, process.env);
    const { runDemo } = await import('./main.js');
    process.exitCode = await runDemo(options);
  });
}
