/** The real contract for the deploy/ checks: the package version and the routes of the real server. */
import { buildApp } from '../../server/app.js';
import { resolveServeConfig } from '../../server/config.js';
import { packageVersion } from '../../common/package-info.js';
import type { Contract } from './check/index.js';

export async function realContract(): Promise<{ contract: Contract; close: () => Promise<void> }> {
  const app = buildApp(resolveServeConfig({}, {}), { webDir: null, logger: false });
  await app.ready();
  return {
    contract: {
      version: packageVersion,
      hasGetRoute: (url) => app.hasRoute({ method: 'GET', url }),
    },
    close: () => app.close(),
  };
}
