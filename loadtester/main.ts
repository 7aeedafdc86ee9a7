/** `bluegreen load`: wiring only — options → load session (dashboard, run, report) → exit code. */
import type { KubeOptions, LoadOptions } from './options.js';
import { printable } from './report/format.js';
import type { ClusterWatch } from './kube/watch-cluster.js';
import { LoadSession } from './session.js';
import { shownTarget } from './run/target.js';

export async function runLoad(options: LoadOptions): Promise<number> {
  const session = await LoadSession.open(options, { mode: 'load' });
  let cluster: ClusterWatch | null = null;
  try {
    if (options.insecure) {
      process.stderr.write(
        "bluegreen: WARNING: --insecure: the target's TLS certificate is NOT verified; anyone on the path could pose as the target\n",
      );
    }
    if (!options.quiet) {
      const rate = options.rate === null ? 'max rate' : `${options.rate} req/s`;
      const tls = options.insecure ? ', TLS NOT VERIFIED (--insecure)' : '';
      session.say(`load ${shownTarget(options.url)}: ${rate}, ${options.connections} connections${tls}`);
    }
    if (options.kube) cluster = await watchKube(options.kube, session, options.quiet);
    session.start();
    return await session.finish();
  } finally {
    await cluster?.close();
    await session.close();
  }
}

/** Loaded only with --kube, so a plain run never loads the Kubernetes client. */
async function watchKube(kube: KubeOptions, session: LoadSession, quiet: boolean): Promise<ClusterWatch> {
  const { watchCluster } = await import('./kube/watch-cluster.js');
  return watchCluster(kube, {
    event: (event) => {
      session.event(event);
      if (quiet) return;
      const at = session.elapsedMs();
      const stamp = (at === null ? 'start' : `${(at / 1000).toFixed(1)}s`).padStart(7);
      const line = `${stamp}  ${event.kind.padEnd(20)} ${event.pod ?? ''} ${event.color ?? ''}  ${event.message ?? ''}`;
      session.say(printable(line.trimEnd()));
    },
    problem: (line) => process.stderr.write(`bluegreen: ${printable(line)}\n`),
  });
}
