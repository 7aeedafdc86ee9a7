import type { Command } from 'commander';
import { subcommand } from '../common/command-options.js';
import { addSettings, examples, type Flags } from '../common/settings.js';
import { IDENTITY_ENV, SERVE_TABLE, resolveServeOptions } from './options.js';

export function registerServe(program: Command): void {
  const serve = subcommand(program, 'serve', 'run the colour-tagged target app').addHelpText(
    'after',
    `\nPod identity comes from ${IDENTITY_ENV.slice(0, -1).join(', ')} and ${IDENTITY_ENV.at(-1)} (Kubernetes downward API), else the hostname.`,
  );
  serve.addHelpText(
    'after',
    examples([
      ['bluegreen serve', 'port 8080, blue'],
      ['COLOR=green APP_VERSION=v2 bluegreen serve --port 8081', 'a second, green version beside it'],
      ['bluegreen serve --start-delay-seconds 5 --drain-seconds 10', 'a slow start and a long drain'],
      ['bluegreen serve --error-rate 0.05 --latency-ms 20-200', 'a flaky, slow version to roll back from'],
    ]),
  );
  addSettings(serve, SERVE_TABLE).action(async (flags: Flags) => {
    const options = resolveServeOptions(flags, process.env);
    const { runServe } = await import('./main.js');
    await runServe(options);
  });
}
