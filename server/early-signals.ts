/**
 * `bluegreen serve` takes SIGTERM and SIGINT from its first moment. Loading the app takes a while on a busy
 * node (seconds, seen on a loaded machine); a signal in that window must end the process, and nothing
 * loaded meanwhile may get to install a listener that swallows it. Until the app hands over its own
 * handler (runServe, right after building the app), a signal exits at once: nothing listens yet, so there
 * is nothing to drain.
 */
type Handler = (signal: NodeJS.Signals) => void;

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
let handler: Handler | null = null;

function dispatch(signal: NodeJS.Signals): void {
  if (handler) {
    handler(signal);
    return;
  }
  process.stdout.write(
    JSON.stringify({
      level: 'info',
      time: new Date().toISOString(),
      signal,
      msg: 'signal before listening: exiting',
    }) + '\n',
  );
  process.exit(0);
}

/** Installs the early handlers; idempotent. */
export function catchSignalsEarly(): void {
  for (const signal of SIGNALS)
    if (!process.listeners(signal).includes(dispatch)) process.on(signal, dispatch);
}

/** From now on signals go to `next` (the lifecycle's shutdown). */
export function handOverSignals(next: Handler): void {
  catchSignalsEarly();
  handler = next;
}

// `bluegreen serve …`: cli.ts imports this module before anything else.
if (process.argv[2] === 'serve') catchSignalsEarly();
