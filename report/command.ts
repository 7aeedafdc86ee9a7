import type { Command } from 'commander';
import { subcommand } from '../common/command-options.js';
import { addSettings, examples, type Flags } from '../common/settings.js';
import { REPORT_TABLE, resolveReportOptions } from './options.js';

export function registerReport(program: Command): void {
  const report = subcommand(
    program,
    'report',
    "show a saved run again: its text report, or the dashboard's replay of it",
  )
    .argument('<run.json>', 'a report written by `bluegreen load` or `bluegreen demo` with --json')
    .addHelpText(
      'after',
      examples([
        ['bluegreen report run.json', 'the text report again, as the run printed it'],
        [
          'bluegreen report run.json --html run.html',
          'a page to open offline, mail or keep as a CI artifact',
        ],
      ]),
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 the run passed, 1 it broke a threshold, 2 bad usage (an unreadable report).',
    );
  addSettings(report, REPORT_TABLE).action(async (file: string, flags: Flags) => {
    const options = resolveReportOptions(file, flags, process.env);
    const { runReport } = await import('./main.js');
    process.exitCode = await runReport(options);
  });
}
