import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The page's sources import the protocol as $protocol/… (web/vite.config.ts); tests import those sources.
  resolve: { alias: { $protocol: fileURLToPath(new URL('protocol', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real processes and sockets; a shared 2-core machine needs headroom.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Files that start servers, child processes or a browser run one at a time so load tests do not skew each other.
    fileParallelism: false,
  },
});
