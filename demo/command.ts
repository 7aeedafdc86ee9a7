import { Option, type Command } from 'commander';
import { envOption, subcommand } from '../common/command-options.js';
import { deployDir } from '../common/package-info.js';
import { addLoadFlags, resolveLoadOptions } from '../loadtester/options.js';
import { readAppDeployment } from './manifest.js';
import { DEMO_DEFAULTS, resolveDemoOptions, VIAS } from './options.js';
import { STRATEGIES } from './rollout.js';

const FROM_DEPLOY = 'from deploy/ app Deployment';

export function registerDemo(program: Command): void {
  const demo = subcommand(
    program,
    'demo',
    'play a whole rollout on this machine: app instances, proxy, loadtester, dashboard',
  )
    .addOption(
      new Option('--via <door>', 'front door: service (L4, per connection) or ingress (L7, per request)')
        .choices(VIAS)
        .default(DEMO_DEFAULTS.via),
    )
    .addOption(
      new Option(
        '--strategy <name>',
        `rollout strategy (default: rolling, or recreate if deploy/ says so)`,
      ).choices(STRATEGIES),
    )
    .addOption(envOption('--color <colour>', 'the colour a rollout moves to', null, DEMO_DEFAULTS.color))
    .addOption(envOption('--replicas <n>', 'app pods', null, FROM_DEPLOY))
    .addOption(envOption('--max-surge <n|%>', 'rolling update: pods above replicas', null, FROM_DEPLOY))
    .addOption(envOption('--max-unavailable <n|%>', 'rolling update: pods below replicas', null, FROM_DEPLOY))
    .addOption(
      envOption(
        '--min-ready-seconds <s>',
        'ready this long before a pod counts as available',
        null,
        FROM_DEPLOY,
      ),
    )
    .addOption(
      envOption('--start-delay-seconds <s>', "the app's unready start", 'START_DELAY_SECONDS', FROM_DEPLOY),
    )
    .addOption(
      envOption(
        '--drain-seconds <s>',
        "the app's drain after SIGTERM (0 = close at once)",
        'DRAIN_SECONDS',
        FROM_DEPLOY,
      ),
    )
    .addOption(
      envOption(
        '--propagation-delay <time>',
        'how late the front door learns endpoint changes (pods get SIGTERM at once)',
        null,
        DEMO_DEFAULTS.propagationDelay,
      ),
    )
    .addOption(
      envOption(
        '--scale-down-delay <time>',
        'blue-green: old pods stay this long after the switch',
        null,
        DEMO_DEFAULTS.scaleDownDelay,
      ),
    )
    .addOption(
      envOption('--step-pause <time>', 'canary: pause after each step', null, DEMO_DEFAULTS.stepPause),
    )
    .addOption(
      envOption(
        '--rollout-after <time>',
        'start a rollout after this long',
        null,
        `none; ${DEMO_DEFAULTS.rolloutAfterHeadless} with --headless`,
      ),
    )
    .addOption(
      new Option(
        '--headless',
        `no dashboard (unless --ui) and no waiting: scripted rollout, run for --duration (default ${DEMO_DEFAULTS.durationHeadless}), exit with the report's code`,
      ),
    )
    .addOption(
      envOption('--port <n>', 'front door port (0 = any free port)', null, String(DEMO_DEFAULTS.port)),
    );
  addLoadFlags(demo).addHelpText(
    'after',
    '\nThe load flags mean what they mean for `bluegreen load`; without --headless the dashboard is served\n' +
      '(--ui, default port 8090) and the run lasts until Ctrl-C unless --duration or --requests is given.\n' +
      'Exit codes: 0 pass, 1 a threshold was broken, 2 bad usage.',
  );
  demo.action(async (flags: Record<string, unknown>) => {
    const deployment = readAppDeployment(deployDir);
    const env = process.env;
    const load = resolveLoadOptions('http://127.0.0.1/', flags, env);
    const durationGiven = [flags.duration, flags.requests, env.LOAD_DURATION, env.LOAD_REQUESTS].some(
      (v) => typeof v === 'string' && v !== '',
    );
    const options = resolveDemoOptions(flags, env, deployment, load, durationGiven);
    const { runDemo } = await import('./main.js');
    process.exitCode = await runDemo(options, []);
    // A run restarted from the dashboard may still hold timers; the demo is over.
    setTimeout(() => process.exit(), 2000).unref();
  });
}
