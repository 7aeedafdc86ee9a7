import type { Command } from 'commander';
import { subcommand } from '../common/command-options.js';
import { examples } from '../common/settings.js';
import { addLoadFlags, resolveLoadOptions } from './options.js';

export function registerLoad(program: Command): void {
  const load = subcommand(program, 'load', 'send paced load to a URL and tally responses by colour and pod')
    .argument('<url>', 'http(s) URL, sent as given (a Service, an Ingress, or an app)')
    .addHelpText(
      'after',
      examples([
        ['bluegreen load http://127.0.0.1:8080/ --ui', 'watch the traffic on http://127.0.0.1:8090/'],
        [
          'bluegreen load https://app.example.com/ -r 50 -d 2m --max-errors 0',
          'gate a CI job on an error budget',
        ],
        [
          'bluegreen load http://app/ --recycle 100 --json report.json',
          'reach new pods behind an L4 Service; keep the report',
        ],
        ['bluegreen load http://app/ --serve --allow-control --max-rate 100', 'the in-cluster dashboard'],
      ]),
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 pass, 1 a threshold was broken, 2 bad usage, 3 passed but a report file (--json, --html, --timeline) could not be written.',
    );
  addLoadFlags(load).action(async (url: string, flags: Record<string, unknown>) => {
    const options = resolveLoadOptions(url, flags, process.env);
    const { runLoad } = await import('./main.js');
    process.exitCode = await runLoad(options);
  });
}
