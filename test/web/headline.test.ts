import { describe, expect, it } from 'vitest';
import type { TickMessage } from '../../protocol/run.js';
import {
  heldBack,
  isDark,
  notSent,
  nowSegments,
  OutageTracker,
  unanswered,
} from '../../web/src/lib/stores/headline.js';
import { tick } from '../helpers/ticks.js';

/** A one-second tick at `rate` req/s asked, with what came back. */
function at(
  seq: number,
  rate: number | null,
  patch: (t: TickMessage) => void = () => undefined,
): TickMessage {
  const t = tick({ seq });
  t.askedRate = rate;
  patch(t);
  return t;
}

function answered(t: TickMessage, byColor: Record<string, number>): void {
  const n = Object.values(byColor).reduce((a, b) => a + b, 0);
  t.bucket.byColor = byColor;
  t.bucket.responses['2xx'] = n;
  t.bucket.sent = n;
}

describe('the headline share', () => {
  it('counts refused, reset, timed-out and dropped requests as "no response"', () => {
    const t = at(1, 40, (x) => {
      answered(x, { blue: 10 });
      x.bucket.errors.refused = 20;
      x.bucket.errors.reset = 4;
      x.bucket.timeouts = 3;
      x.bucket.dropped = 3;
      x.bucket.sent = 40;
    });
    expect(unanswered(t)).toBe(30);
    const { segments, total } = nowSegments([t]);
    expect(total).toBe(40);
    expect(segments).toEqual([
      { color: 'blue', count: 10, share: 0.25 },
      { color: null, count: 30, share: 0.75 },
    ]);
  });

  it('counts due requests that were never sent, as the loadtester counted them', () => {
    // 40 asked, 10 sent and answered, 30 skipped (no connection free within the timeout).
    const t = at(1, 40, (x) => {
      answered(x, { green: 10 });
      x.bucket.skipped = { backoff: 5, busy: 25 };
    });
    expect(notSent([t])).toBe(30);
    expect(nowSegments([t]).segments.at(-1)).toEqual({ color: null, count: 30, share: 0.75 });
  });

  it('never counts a request held back and sent late as not sent, so a run total cannot go down', () => {
    // 40 due, 10 sent: 30 wait for a busy connection; the next second they go out with the next 40.
    const held = at(1, 40, (x) => answered(x, { blue: 10 }));
    const caughtUp = at(2, 40, (x) => answered(x, { blue: 70 }));
    expect(notSent([held])).toBe(0);
    expect(notSent([held, caughtUp])).toBe(0);
  });

  it('holds back, for now, what was due and not sent: a request or so of pacing phase forgiven, nothing due at an unbounded rate', () => {
    expect(heldBack([at(1, 40, (x) => answered(x, { blue: 39 }))])).toBe(0);
    expect(heldBack([at(1, 40, (x) => answered(x, { blue: 37 }))])).toBe(3);
    expect(heldBack([at(1, null, (x) => answered(x, { blue: 3 }))])).toBe(0);
    expect(nowSegments([at(1, 40, (x) => answered(x, { blue: 37 }))]).segments.at(-1)).toMatchObject({
      color: null,
      count: 3,
    });
  });

  it("counts a proxy's own failed answers (no colour) as no response, but not a colourless success", () => {
    const proxy502 = at(1, 10, (x) => {
      x.bucket.responses['5xx'] = 10;
      x.bucket.sent = 10;
      // Protocol 2 says whose they are: the front door's (no identity).
      x.bucket.attribution.frontDoor.responses['5xx'] = 10;
    });
    expect(unanswered(proxy502)).toBe(10);
    const plainTarget = at(2, 10, (x) => {
      x.bucket.responses['2xx'] = 10;
      x.bucket.sent = 10;
    });
    expect(unanswered(plainTarget)).toBe(0);
    const pod500 = at(3, 10, (x) => {
      answered(x, { blue: 10 });
      x.bucket.responses['2xx'] = 0;
      x.bucket.responses['5xx'] = 10;
    });
    expect(unanswered(pod500)).toBe(0);
  });

  it('sorts colours by count and leaves out "no response" when everything was answered', () => {
    const ticks = [
      at(1, 20, (x) => answered(x, { blue: 15, green: 5 })),
      at(2, 20, (x) => answered(x, { green: 20 })),
    ];
    expect(nowSegments(ticks).segments.map((s) => [s.color, s.count])).toEqual([
      ['green', 25],
      ['blue', 15],
    ]);
  });
});

describe('names from the target', () => {
  it('counts __proto__ and constructor as colours like any other (no NaN share)', () => {
    // As the stream delivers them: JSON-parsed, so __proto__ is an own key.
    const parsed = JSON.parse(
      JSON.stringify(tick({ seq: 1, byColor: JSON.parse('{"__proto__": 30, "constructor": 10}') })),
    ) as TickMessage;
    parsed.askedRate = 40;
    const { segments, total } = nowSegments([parsed]);
    expect(total).toBe(40);
    expect(segments.map((s) => [s.color, s.count, s.share])).toEqual([
      ['__proto__', 30, 0.75],
      ['constructor', 10, 0.25],
    ]);
  });
});

describe('outages', () => {
  const dark = (seq: number): TickMessage =>
    at(seq, 40, (x) => {
      x.bucket.errors.refused = 40;
      x.bucket.sent = 40;
    });
  const fine = (seq: number): TickMessage => at(seq, 40, (x) => answered(x, { blue: 40 }));

  it('a tick with load due and no successful answer is dark; an idle one is not', () => {
    expect(isDark(dark(1))).toBe(true);
    expect(isDark(fine(1))).toBe(false);
    expect(isDark(at(1, 0))).toBe(false);
  });

  it('shows an outage only once it lasts more than a second, with its span, and keeps the last one', () => {
    const o = new OutageTracker();
    o.tick(fine(1));
    o.tick(dark(2));
    expect(o.ongoing).toBeNull();
    o.tick(dark(3));
    o.tick(dark(4));
    const t2 = dark(2);
    expect(o.ongoing).toEqual({ from: t2.t - 1000, to: dark(4).t, ticks: 3 });
    o.tick(fine(5));
    expect(o.ongoing).toBeNull();
    expect(o.last!.to - o.last!.from).toBe(3000);
  });

  it('a single dark tick is not an outage, and does not replace the last one', () => {
    const o = new OutageTracker();
    o.tick(dark(1));
    o.tick(dark(2));
    o.tick(fine(3));
    o.tick(dark(4));
    o.tick(fine(5));
    expect(o.last!.ticks).toBe(2);
  });

  it('ends when the load stops', () => {
    const o = new OutageTracker();
    o.tick(dark(1));
    o.tick(dark(2));
    o.end();
    expect(o.ongoing).toBeNull();
    expect(o.last!.ticks).toBe(2);
  });
});
