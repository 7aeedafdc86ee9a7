/**
 * The charts' view choices (log latency axis, pod-event lines), remembered for the tab: sessionStorage,
 * so a reload keeps them and a new tab starts from the defaults. A Svelte store; storage is passed in so
 * the logic is tested without a browser, and a storage that throws (disabled, full) is only not used.
 */
export interface ChartPrefs {
  latencyLog: boolean;
  podEvents: boolean;
}

export const DEFAULT_CHART_PREFS: ChartPrefs = { latencyLog: false, podEvents: false };
export const CHART_PREFS_KEY = 'bluegreen.chart-prefs';

/** The part of the Web Storage API used (this module is also compiled without the DOM types). */
export interface PrefStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function readChartPrefs(storage: PrefStorage | null): ChartPrefs {
  try {
    const raw: unknown = JSON.parse(storage?.getItem(CHART_PREFS_KEY) ?? 'null');
    if (typeof raw !== 'object' || raw === null) return { ...DEFAULT_CHART_PREFS };
    const saved = raw as Record<string, unknown>;
    return {
      latencyLog: typeof saved.latencyLog === 'boolean' ? saved.latencyLog : DEFAULT_CHART_PREFS.latencyLog,
      podEvents: typeof saved.podEvents === 'boolean' ? saved.podEvents : DEFAULT_CHART_PREFS.podEvents,
    };
  } catch {
    return { ...DEFAULT_CHART_PREFS };
  }
}

export interface ChartPrefsStore {
  subscribe(run: (prefs: ChartPrefs) => void): () => void;
  update(patch: Partial<ChartPrefs>): void;
}

export function createChartPrefs(storage: PrefStorage | null): ChartPrefsStore {
  let prefs = readChartPrefs(storage);
  const subscribers = new Set<(prefs: ChartPrefs) => void>();
  return {
    subscribe(run) {
      subscribers.add(run);
      run(prefs);
      return () => void subscribers.delete(run);
    },
    update(patch) {
      prefs = { ...prefs, ...patch };
      try {
        storage?.setItem(CHART_PREFS_KEY, JSON.stringify(prefs));
      } catch {
        // Not remembered, still applied.
      }
      for (const run of subscribers) run(prefs);
    },
  };
}

function sessionStore(): PrefStorage | null {
  try {
    // Reading the property throws where storage is disabled.
    return (globalThis as { sessionStorage?: PrefStorage }).sessionStorage ?? null;
  } catch {
    return null;
  }
}

/** The page's one instance. */
export const chartPrefs = createChartPrefs(sessionStore());
