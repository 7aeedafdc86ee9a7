/** The real contract for the deploy/ checks: the package version, the real server's routes, the real load flags. */
import { Command } from 'commander';
import { buildApp } from '../server/app.js';
import { resolveServeOptions } from '../server/options.js';
import { packageVersion } from '../common/package-info.js';
import { addLoadFlags, resolveLoadOptions } from '../loadtester/options.js';
import type { Contract, LoadSettings } from './contract.js';

function parseLoadArgs(args: readonly string[], env: Record<string, string>): LoadSettings {
  if (args[0] !== 'load') throw new Error(`args[0] is "${args[0]}", expected "load"`);
  let settings: LoadSettings | undefined;
  const command = addLoadFlags(
    new Command('load')
      .argument('<url>')
      .exitOverride()
      .configureOutput({ writeErr: () => {}, writeOut: () => {} }),
  ).action((url: string, flags: Record<string, unknown>) => {
    const options = resolveLoadOptions(url, flags, env);
    settings = { url: options.url, uiPort: options.ui?.port ?? null, serve: options.serve };
  });
  command.parse(args.slice(1), { from: 'user' });
  if (!settings) throw new Error('the load command did not run');
  return settings;
}

export async function realContract(): Promise<{ contract: Contract; close: () => Promise<void> }> {
  const app = buildApp(resolveServeOptions({}, {}), { webDir: null, logger: false });
  await app.ready();
  return {
    contract: {
      version: packageVersion,
      hasGetRoute: (url) => app.hasRoute({ method: 'GET', url }),
      parseLoadArgs,
    },
    close: () => app.close(),
  };
}
