/** `bluegreen load`: wiring only — options → UI server (optional) → run → report → exit code. */
import { writeFile } from 'node:fs/promises';
import type { Report, TickMessage } from '../protocol/stream.js';
import type { LoadOptions, UiServer } from './api.js';
import { brokenThresholds, formatReport, liveLine, progressBar } from './format.js';
import { settingsFor, startLoad } from './run.js';
import { startUiServer } from './ui-server.js';
import type { Hub } from './hub.js';

function terminal(options: LoadOptions): { onTick: (tick: TickMessage) => void; clear: () => void } {
  const out = process.stdout;
  const tty = out.isTTY === true;
  let barShown = false;
  const clear = (): void => {
    if (barShown) out.write('\r\x1b[K');
    barShown = false;
  };
  return {
    clear,
    onTick(tick) {
      // The closing partial bucket goes to the stream and the report, but its per-second rate would mislead.
      if (options.quiet || tick.intervalMs < options.intervalMs / 2) return;
      clear();
      out.write(liveLine(tick) + '\n');
      if (!tty) return;
      let fraction: number | null = null;
      let label = '';
      if (options.durationMs !== null) {
        fraction = tick.elapsedMs / options.durationMs;
        label = `${Math.round(tick.elapsedMs / 1000)}s/${Math.round(options.durationMs / 1000)}s`;
      } else if (options.requests !== null) {
        fraction = tick.total.sent / options.requests;
        label = `${tick.total.sent}/${options.requests} requests`;
      }
      if (fraction !== null) {
        out.write(progressBar(fraction, label));
        barShown = true;
      }
    },
  };
}

async function finishReport(options: LoadOptions, report: Report): Promise<number> {
  process.stdout.write(formatReport(report));
  if (options.jsonFile) await writeFile(options.jsonFile, JSON.stringify(report, null, 2) + '\n');
  for (const line of brokenThresholds(report)) process.stderr.write(`bluegreen: ${line}\n`);
  return report.pass ? 0 : 1;
}

export async function runLoadCommand(options: LoadOptions): Promise<number> {
  let ui: UiServer | null = null;
  if (options.ui) {
    ui = await startUiServer({
      port: options.ui.port,
      host: options.ui.host,
      settings: settingsFor(options),
      allowControl: options.allowControl,
      maxRate: options.maxRate,
    });
    process.stdout.write(`dashboard: ${ui.url}\n`);
  }
  const term = terminal(options);
  if (!options.quiet) {
    process.stdout.write(
      `load ${options.url}: ${options.rate === null ? 'max rate' : `${options.rate} req/s`}, ${options.connections} connections\n`,
    );
  }
  let reports = 0;
  const run = startLoad(options, {
    ...(ui ? { hub: ui.hub } : {}),
    onTick: (t) => term.onTick(t),
    // Runs restarted from the page (--serve --allow-control) print their report as they end.
    onReport: (report) => {
      if (reports++ > 0) {
        term.clear();
        process.stdout.write(formatReport(report));
      }
    },
  });

  let signalled = false;
  const stopped = new Promise<void>((resolve) => {
    const onSignal = (): void => {
      if (signalled) process.exit(130);
      signalled = true;
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });

  const report = await Promise.race([run.done, stopped.then(() => run.stop())]);
  term.clear();
  const code = await finishReport(options, report);
  if (ui && options.serve && !signalled) {
    process.stdout.write(`serving the dashboard at ${ui.url} until stopped\n`);
    await stopped;
  }
  if (ui) {
    await (ui.hub as Hub).stopRun();
    await ui.close();
  }
  return code;
}
