/**
 * A run's ticks made by the real Tally (pure, no I/O) from a seeded pseudo-random rollout: `pods` pods, half
 * blue then replaced by green over the run, a few failures of every kind, a few responses without identity.
 */
import type { TickMessage } from '../../protocol/run.js';
import { newConnectionTrack } from '../../loadtester/count/connection-track.js';
import { Tally } from '../../loadtester/count/tally.js';

export interface SyntheticRun {
  ticks: TickMessage[];
  tally: Tally;
}

export function syntheticRun(options: {
  seconds: number;
  rate: number;
  pods: number;
  seed?: number;
}): SyntheticRun {
  let seed = options.seed ?? 42;
  const random = (): number => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    return seed / 2 ** 32;
  };
  const tally = new Tally();
  const ticks: TickMessage[] = [];
  const conns = Array.from({ length: 10 }, () => newConnectionTrack());
  const t0 = Date.UTC(2026, 10, 29, 12, 0, 0);
  for (let s = 0; s < options.seconds; s++) {
    const greenShare = s / options.seconds;
    for (let i = 0; i < options.rate; i++) {
      tally.sent();
      const conn = conns[Math.floor(random() * conns.length)]!;
      const roll = random();
      const latency = 1 + random() * random() * 80;
      if (roll < 0.003) tally.failure('timeout', conn);
      else if (roll < 0.006) tally.failure('reset', conn);
      else if (roll < 0.008) tally.failure('refused', null);
      else if (roll < 0.01) tally.failure('dropped', conn);
      else if (roll < 0.012) tally.response(502, null, null, latency, s * 1000, conn);
      else {
        const color = random() < greenShare ? 'green' : 'blue';
        const pod = `${color}-7d9f8c-${Math.floor(random() * (options.pods / 2))}`;
        tally.response(random() < 0.005 ? 503 : 200, color, pod, latency, s * 1000, conn);
      }
    }
    if (s % 7 === 3) tally.skipped({ backoff: 1, busy: 2 });
    const { bucket, total, totalAttribution, folded } = tally.flush((s + 1) * 1000);
    ticks.push({
      type: 'tick',
      seq: s,
      t: t0 + (s + 1) * 1000,
      elapsedMs: (s + 1) * 1000,
      intervalMs: 1000,
      bucket,
      total,
      totalAttribution,
      inFlight: 0,
      askedRate: options.rate,
      folded,
    });
  }
  return { ticks, tally };
}
