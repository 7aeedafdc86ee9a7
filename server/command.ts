import type { Command } from 'commander';
import { envOption, subcommand } from '../common/command-options.js';
import { SERVE_SETTINGS, resolveServeConfig, type ServeConfig } from './config.js';

export function registerServe(program: Command): void {
  const serve = subcommand(program, 'serve', 'run the colour-tagged target app').addHelpText(
    'after',
    '\nPod identity comes from POD_NAME, POD_NAMESPACE, NODE_NAME and POD_IP (Kubernetes downward API), else the hostname.',
  );
  const attributeOf = new Map<string, keyof ServeConfig>();
  for (const s of SERVE_SETTINGS) {
    const option = envOption(`${s.flag} <value>`, s.description, s.env, s.default);
    attributeOf.set(option.attributeName(), s.key);
    serve.addOption(option);
  }
  serve.action(async (options: Record<string, string | undefined>) => {
    const flags: Partial<Record<keyof ServeConfig, string>> = {};
    for (const [attribute, value] of Object.entries(options)) {
      const key = attributeOf.get(attribute);
      if (key && value !== undefined) flags[key] = value;
    }
    const config = resolveServeConfig(flags, process.env);
    const { runServe } = await import('./main.js');
    await runServe(config);
  });
}
