/** `bluegreen load`: wiring only — options → load session (dashboard, run, report) → exit code. */
import type { LoadOptions } from './api.js';
import { LoadSession } from './session.js';
import { shownTarget } from './target.js';

export async function runLoadCommand(options: LoadOptions): Promise<number> {
  const session = await LoadSession.open(options, { mode: 'load' });
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
    session.start();
    return await session.finish();
  } finally {
    await session.close();
  }
}
