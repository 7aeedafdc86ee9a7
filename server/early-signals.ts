/**
 * `bluegreen serve` takes SIGTERM and SIGINT from its first moment. Loading the app takes a while on a busy
 * node (seconds, seen on a loaded machine); a signal in that window must end the process, and nothing
 * loaded meanwhile may get to install a listener that swallows it. Until the app hands over its own
 * handler (runServe, right after building the app), a signal exits at once: nothing listens yet, so there
 * is nothing to drain.
 */
type Handler = (signal: NodeJS.Signals) => void;

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Kept on `process`, not in this module: the build puts a copy of this module in the dispatcher (dist/cli.js,
 * which takes the signals before serve's bundle is even read) and one in serve's bundle (which hands them
 * over), and both must act as one.
 */
interface SignalState {
  installed: boolean;
  handler: Handler | null;
}
const STATE_KEY = Symbol.for('bluegreen.early-signals');
const state: SignalState = ((process as unknown as Record<symbol, SignalState>)[STATE_KEY] ??= {
  installed: false,
  handler: null,
});

function dispatch(signal: NodeJS.Signals): void {
  if (state.handler) {
    state.handler(signal);
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
  if (state.installed) return;
  state.installed = true;
  for (const signal of SIGNALS) process.on(signal, dispatch);
}

/** From now on signals go to `next` (the lifecycle's shutdown). */
export function handOverSignals(next: Handler): void {
  catchSignalsEarly();
  state.handler = next;
}

// `bluegreen serve …`: cli.ts (and serve's entry) import this module before anything else.
if (process.argv[2] === 'serve') catchSignalsEarly();
