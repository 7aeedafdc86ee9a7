/** `bluegreen load`: wiring only — options → load session (dashboard, run, report) → exit code. */
import type { LoadOptions } from './api.js';
import { LoadSession } from './session.js';

export async function runLoadCommand(options: LoadOptions): Promise<number> {
  const session = await LoadSession.open(options, { mode: 'load' });
  try {
    if (!options.quiet) {
      const rate = options.rate === null ? 'max rate' : `${options.rate} req/s`;
      session.say(`load ${options.url}: ${rate}, ${options.connections} connections`);
    }
    session.start();
    return await session.finish();
  } finally {
    await session.close();
  }
}
