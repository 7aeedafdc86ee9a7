/**
 * Two projects, run one after the other:
 *
 * - `parallel`: pure tests and in-process ones (real servers on ephemeral ports, app.inject(), real
 *   WebSockets), two files at a time.
 * - `serial`: one file at a time, alone on the machine: every file listed in `serial` below, because it
 *   starts a child process (the CLI, the demo's pods, a script), drives Chromium, listens on a fixed
 *   port, or asserts on timing (paced rates, latency bounds) that a neighbour would skew.
 *
 * The rule for a new test file: it runs in `parallel` unless it is listed here. It cannot go stale
 * quietly: in `parallel`, test/helpers/parallel-guard.ts makes starting a child process (Chromium
 * included) or listening on a fixed port throw, naming this list; and a listed file that no longer
 * exists (renamed, moved) stops the run here. Timing is the one reason no guard sees: list such a file
 * under "timing" when its assertions are about rates or durations under a tight bound.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const serial = {
  /** Start the built CLI, the demo (which starts real app processes) or another child process. */
  processes: [
    'test/cli.test.ts',
    'test/common/cached-bundle.test.ts',
    'test/demo/demo.test.ts',
    'test/demo/gateway-demo.test.ts',
    'test/demo/incidents.test.ts',
    'test/demo/manifest.test.ts',
    'test/demo/parent-watch.test.ts',
    'test/demo/port-clash.test.ts',
    'test/demo/rollout-burst.test.ts',
    'test/demo/rollout-progress.test.ts',
    'test/demo/shutdown.test.ts',
    'test/check/command.test.ts',
    'test/check/inputs.test.ts',
    'test/fuzz/app.test.ts',
    'test/fuzz/demo.test.ts',
    'test/fuzz/loadtester-ui.test.ts',
    'test/fuzz/report-writer.test.ts',
    'test/lab/demo-walk.test.ts',
    'test/loadtester/attribution.test.ts',
    'test/loadtester/autocannon-defect.test.ts',
    'test/loadtester/classify.test.ts',
    'test/loadtester/deadlines.test.ts',
    'test/loadtester/fan-out.test.ts',
    'test/loadtester/hostile-target.test.ts',
    'test/loadtester/kube/load-kube.test.ts',
    'test/loadtester/load.test.ts',
    'test/loadtester/report-files.test.ts',
    'test/loadtester/metrics.test.ts',
    'test/report/command.test.ts',
    'test/loadtester/session.test.ts',
    'test/loadtester/stream.test.ts',
    'test/loadtester/tls.test.ts',
    'test/loadtester/tty.test.ts',
    'test/loadtester/ui-server-process.test.ts',
    'test/server/cpu-probes.test.ts',
    'test/server/docker-recipe.test.ts',
    'test/server/npx-serve.test.ts',
    'test/server/serve-process.test.ts',
    'test/server/signals-startup.test.ts',
  ],
  /** Drive headless Chromium (test/helpers/browser.ts). */
  chromium: [
    'test/demo/dashboard.test.ts',
    'test/demo/gateway-dashboard.test.ts',
    'test/demo/rollout-story.test.ts',
    'test/lab/screenshots.test.ts',
    'test/server/cross-origin.test.ts',
    'test/web/e2e-attribution.test.ts',
    'test/web/e2e-browser.test.ts',
    'test/web/e2e-controls.test.ts',
    'test/web/e2e-demo.test.ts',
    'test/web/e2e-door-pods-bar.test.ts',
    'test/web/e2e-first-try.test.ts',
    'test/web/e2e-hostile.test.ts',
    'test/web/e2e-i18n.test.ts',
    'test/web/e2e-incidents.test.ts',
    'test/web/e2e-kube.test.ts',
    'test/web/e2e-live.test.ts',
    'test/web/e2e-markers.test.ts',
    'test/web/e2e-replay.test.ts',
    'test/web/e2e-scales.test.ts',
    'test/web/e2e-strategy.test.ts',
  ],
  /** In-process, but their assertions bound rates or durations that two files at once would skew. */
  timing: [
    'test/fuzz/kube.test.ts',
    'test/loadtester/controls.test.ts',
    'test/loadtester/kube/list-watch.test.ts',
    'test/loadtester/session-recycle.test.ts',
  ],
};

const serialFiles = Object.values(serial).flat();
const missing = serialFiles.filter((file) => !existsSync(new URL(file, import.meta.url)));
if (missing.length > 0) {
  throw new Error(`vitest.config.ts lists serial test files that do not exist: ${missing.join(', ')}`);
}

export default defineConfig({
  // The page's sources import the protocol as $protocol/… (web/vite.config.ts); tests import those sources.
  resolve: { alias: { $protocol: fileURLToPath(new URL('protocol', import.meta.url)) } },
  test: {
    // Integration tests start real processes and sockets; a shared 2-core machine needs headroom.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'parallel',
          include: ['test/**/*.test.ts'],
          exclude: serialFiles,
          setupFiles: ['test/helpers/parallel-guard.ts'],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'serial',
          include: serialFiles,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
