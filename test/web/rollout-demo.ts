/**
 * The demo the Chromium rollout stories drive (in English and in Korean): controls on, 50 req/s, a 1 s
 * drain, behind the L7 Ingress; resolves with the dashboard's URL once it is up.
 */
import { spawnCli, type CliProcess } from '../helpers/cli.js';

export async function startRolloutDemo(): Promise<{ demo: CliProcess; pageUrl: string }> {
  const demo = spawnCli([
    'demo',
    '--ui',
    '0',
    '--allow-control',
    '--rate',
    '50',
    '--drain-seconds',
    '1',
    '--via',
    'ingress',
  ]);
  const [, pageUrl] = await demo.waitFor(/dashboard: (http:\/\/\S+)/, 60_000);
  return { demo, pageUrl: pageUrl! };
}
