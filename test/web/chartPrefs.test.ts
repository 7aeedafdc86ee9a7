import { describe, expect, it } from 'vitest';
import {
  CHART_PREFS_KEY,
  DEFAULT_CHART_PREFS,
  createChartPrefs,
  readChartPrefs,
  type ChartPrefs,
  type PrefStorage,
} from '../../web/src/lib/stores/chartPrefs.js';

function memory(initial: Record<string, string> = {}): PrefStorage {
  const data = { ...initial };
  return {
    getItem: (key: string) => data[key] ?? null,
    setItem: (key: string, value: string) => void (data[key] = value),
  };
}

describe('chart preferences', () => {
  it('start from the defaults: linear latency, no pod-event lines', () => {
    expect(readChartPrefs(memory())).toEqual({ latencyLog: false, podEvents: false });
    expect(readChartPrefs(null)).toEqual(DEFAULT_CHART_PREFS);
  });

  it('are remembered in the storage and told to subscribers', () => {
    const storage = memory();
    const prefs = createChartPrefs(storage);
    const seen: ChartPrefs[] = [];
    const stop = prefs.subscribe((p) => seen.push(p));
    prefs.update({ latencyLog: true });
    stop();
    prefs.update({ podEvents: true });
    expect(seen).toEqual([
      { latencyLog: false, podEvents: false },
      { latencyLog: true, podEvents: false },
    ]);
    expect(readChartPrefs(storage)).toEqual({ latencyLog: true, podEvents: true });
  });

  it('ignore what they cannot read, and still apply when the storage refuses', () => {
    expect(readChartPrefs(memory({ [CHART_PREFS_KEY]: '{not json' }))).toEqual(DEFAULT_CHART_PREFS);
    expect(readChartPrefs(memory({ [CHART_PREFS_KEY]: '{"latencyLog":"yes","podEvents":true}' }))).toEqual({
      latencyLog: false,
      podEvents: true,
    });
    const refusing = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const prefs = createChartPrefs(refusing);
    let last: ChartPrefs | null = null;
    prefs.subscribe((p) => (last = p));
    prefs.update({ latencyLog: true });
    expect(last).toEqual({ latencyLog: true, podEvents: false });
  });
});
