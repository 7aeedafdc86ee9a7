import type { Command } from 'commander';
import { subcommand } from '../common/command-options.js';
import { addSettings, examples, type Flags } from '../common/settings.js';
import { CHECK_TABLE, resolveCheckOptions } from './options.js';

export function registerCheck(program: Command): void {
  const check = subcommand(program, 'check', 'check Kubernetes manifests: will a rollout drop requests?')
    .argument(
      '[paths...]',
      'files, folders (each sub-folder is a set of its own) or - for standard input; default: the deploy/ shipped with bluegreen',
    )
    .addHelpText(
      'after',
      examples([
        ['bluegreen check', 'the deploy/ folder bluegreen ships, and its variants'],
        ['bluegreen check k8s/', 'your manifests; each sub-folder is checked as its own set'],
        ['bluegreen check - < rendered.yaml', 'from standard input (kubectl kustomize, helm template)'],
        ['bluegreen check --format sarif k8s/ > check.sarif', 'findings for GitHub code scanning'],
      ]),
    )
    .addHelpText('after', '\nExit codes: 0 pass, 1 a finding at or above --fail-on, 2 bad usage.');
  addSettings(check, CHECK_TABLE).action(async (paths: string[], flags: Flags) => {
    const options = resolveCheckOptions(paths, flags, process.env);
    const { runCheck } = await import('./main.js');
    process.exitCode = await runCheck(options);
  });
}
