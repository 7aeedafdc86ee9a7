import { describe, expect, it } from 'vitest';
import { Pacer } from '../../loadtester/pacing.js';
import { Tally } from '../../loadtester/tally.js';
import { settled } from '../../protocol/outcomes.js';
import { Sampler } from '../../loadtester/sampler.js';
import { buildReport, evaluateThresholds } from '../../loadtester/report.js';
import { classifyError } from '../../loadtester/classify.js';
import { parseControl } from '../../protocol/control.js';
import { candidateFiles, isStreamPath } from '../../loadtester/ui-server.js';
import { liveLine, progressBar } from '../../loadtester/format.js';

describe('Pacer', () => {
  it('spreads requests evenly through each second', () => {
    const pacer = new Pacer(200, 1000);
    const dues: number[] = [];
    for (let now = 1000; now < 2000; now++)
      for (let d = pacer.take(now); d !== null; d = pacer.take(now)) dues.push(d);
    expect(dues).toHaveLength(200);
    const gaps = dues.slice(1).map((d, i) => d - dues[i]!);
    expect(Math.min(...gaps)).toBeCloseTo(5);
    expect(Math.max(...gaps)).toBeCloseTo(5);
  });

  it('hands out every missed due time after a stall, none skipped', () => {
    const pacer = new Pacer(100, 0);
    let n = 0;
    while (pacer.take(500) !== null) n++;
    expect(n).toBe(51);
  });

  it('changes rate without a burst or gap', () => {
    const pacer = new Pacer(10, 0);
    expect(pacer.take(0)).toBe(0);
    pacer.setRate(100, 50);
    expect(pacer.take(50)).toBe(50);
    expect(pacer.take(55)).toBeNull();
    expect(pacer.take(60)).toBe(60);
    pacer.setRate(1, 61);
    expect(pacer.take(69)).toBeNull();
    expect(pacer.take(70)).toBe(70);
    expect(pacer.take(1069)).toBeNull();
  });
});

describe('Tally', () => {
  it('keeps sent = outcomes + inFlight in every running total and flushes buckets', () => {
    const t = new Tally();
    for (let i = 0; i < 10; i++) t.sent();
    t.response(200, 'blue', 'blue-1', 2, 10);
    t.response(503, 'blue', 'blue-1', 3, 20);
    t.failure('refused');
    t.failure('timeout');
    t.failure('dropped');
    expect(t.inFlight).toBe(5);
    const first = t.flush(1000);
    expect(first.bucket.sent).toBe(10);
    expect(first.bucket.failed).toBe(4);
    expect(first.total.sent).toBe(settled(first.total) + t.inFlight);
    t.response(200, 'green', 'green-1', 1, 1500);
    const second = t.flush(2000);
    expect(second.bucket.sent).toBe(0);
    expect(second.total.responses['2xx']).toBe(2);
    expect(t.inFlight).toBe(4);
    expect(t.pods.get('blue-1')).toEqual({ color: 'blue', count: 2 });
    expect(t.colors.get('blue')).toEqual({ count: 2, firstSeenMs: 10, lastSeenMs: 20 });
  });

  it('merges bucket histograms into the run histogram', () => {
    const t = new Tally();
    for (let i = 1; i <= 100; i++) {
      t.sent();
      t.response(200, null, null, i, 0);
    }
    const { bucket } = t.flush(1000);
    expect(bucket.latency.p50).toBeCloseTo(50, 0);
    t.sent();
    t.response(200, null, null, 1000, 1500);
    t.flush(2000);
    const run = t.runLatency();
    expect(run.count).toBe(101);
    expect(run.max).toBeCloseTo(1000, 0);
  });

  it('finds the switch-over window between the last solo-old and first solo-new bucket', () => {
    const t = new Tally();
    const bucket = (end: number, colors: string[]): void => {
      for (const c of colors) t.response(200, c, `${c}-1`, 1, end - 500);
      t.flush(end);
    };
    bucket(1000, ['blue']);
    bucket(2000, ['blue']);
    bucket(3000, ['blue', 'green']);
    bucket(4000, ['green', 'blue']);
    bucket(5000, ['green']);
    bucket(6000, ['green']);
    expect(t.switchOver).toEqual({ from: 'blue', to: 'green', startMs: 2000, endMs: 4000 });
  });
});

describe('Sampler', () => {
  it('keeps at most its size per interval and resets', () => {
    const s = new Sampler(3, () => 0.99);
    for (let i = 0; i < 100; i++) {
      const slot = s.slot();
      if (slot >= 0)
        s.put(slot, { t: i, outcome: 'response', status: 200, color: null, pod: null, latencyMs: 1 });
    }
    const out = s.drain();
    expect(out.map((x) => x.t)).toEqual([0, 1, 2]);
    expect(s.drain()).toEqual([]);
  });
});

describe('report and thresholds', () => {
  const total = {
    sent: 100,
    responses: { '1xx': 0, '2xx': 95, '3xx': 0, '4xx': 0, '5xx': 2 },
    errors: { refused: 1, reset: 0, other: 0 },
    timeouts: 1,
    dropped: 1,
    failed: 5,
  };
  const latency = { count: 97, p50: 5, p90: 9, p99: 20, max: 40, mean: 6 };

  it('counts failed against thresholds and says which broke', () => {
    const r = evaluateThresholds({ maxErrors: 5, maxErrorRate: 4, maxP99Ms: 25 }, total, latency);
    expect(r).toEqual([
      { name: 'max-errors', limit: 5, value: 5, pass: true },
      { name: 'max-error-rate', limit: 4, value: 5, pass: false },
      { name: 'max-p99', limit: 25, value: 20, pass: true },
    ]);
  });

  it('builds shares, rate and pass', () => {
    const report = buildReport({
      target: 'http://x/',
      startedAtEpochMs: 0,
      durationMs: 10_000,
      sendingMs: 10_000,
      total,
      colors: new Map([
        ['blue', { count: 75, firstSeenMs: 0, lastSeenMs: 5000 }],
        ['green', { count: 25, firstSeenMs: 4000, lastSeenMs: 9000 }],
      ]),
      pods: new Map([['blue-1', { color: 'blue', count: 75 }]]),
      switchOver: null,
      latency,
      askedRate: 10,
      skipped: 0,
      thresholds: { maxErrors: 0, maxErrorRate: null, maxP99Ms: null },
    });
    expect(report.colors.blue!.share).toBe(0.75);
    expect(report.rate).toEqual({ asked: 10, achieved: 10, skipped: 0 });
    expect(report.pass).toBe(false);
    expect(report.sent).toBe(
      Object.values(report.responses).reduce((a, b) => a + b) +
        Object.values(report.errors).reduce((a, b) => a + b) +
        report.timeouts +
        report.dropped,
    );
  });
});

describe('classifyError', () => {
  it.each([
    ['ECONNREFUSED', 'refused'],
    ['ECONNRESET', 'reset'],
    ['EPIPE', 'reset'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ['UND_ERR_BODY_TIMEOUT', 'timeout'],
    ['UND_ERR_SOCKET', 'dropped'],
    ['UND_ERR_DESTROYED', 'dropped'],
    ['ENOTFOUND', 'other'],
    [undefined, 'other'],
  ])('%s → %s', (code, kind) => {
    expect(classifyError(Object.assign(new Error('x'), { code }))).toBe(kind);
  });
});

describe('parseControl', () => {
  it('accepts the protocol and rejects the rest with a message', () => {
    expect(parseControl('{"type":"control","action":"set-rate","rate":5,"id":"a"}')).toEqual({
      type: 'control',
      id: 'a',
      action: 'set-rate',
      rate: 5,
    });
    expect(() => parseControl('nope')).toThrow(/not JSON/);
    expect(() => parseControl('{"type":"control","action":"target","url":"http://evil/"}')).toThrow(
      /unknown action/,
    );
    expect(() => parseControl('{"type":"control","action":"set-rate","rate":-1}')).toThrow(/rate/);
    expect(() => parseControl('{"type":"control","action":"rollout"}')).toThrow(/strategy/);
  });
});

describe('UI paths', () => {
  it('accepts the stream under any prefix', () => {
    expect(isStreamPath('/api/stream')).toBe(true);
    expect(isStreamPath('/dashboard/api/stream')).toBe(true);
    expect(isStreamPath('/api/streams')).toBe(false);
  });
  it('tries the path, then without each leading segment', () => {
    expect(candidateFiles('/dashboard/assets/a.js')).toEqual([
      'dashboard/assets/a.js',
      'assets/a.js',
      'a.js',
    ]);
    expect(candidateFiles('/dashboard/')).toEqual(['dashboard/index.html', 'index.html']);
    expect(candidateFiles('/')).toEqual(['index.html']);
  });
});

describe('format', () => {
  it('renders a bar and a live line without control codes', () => {
    expect(progressBar(0.5, '5s/10s', 10)).toBe('[#####-----]  50%  5s/10s');
    const t = new Tally();
    t.sent();
    t.response(200, 'blue', 'b', 1, 1);
    const { bucket, total } = t.flush(1000);
    const line = liveLine({
      type: 'tick',
      seq: 0,
      t: 0,
      elapsedMs: 1000,
      intervalMs: 1000,
      bucket,
      total,
      inFlight: 0,
      askedRate: 1,
    });
    expect(line).toMatch(/1 req\/s {2}blue 100% {2}p50 1\.00ms/);
    // eslint-disable-next-line no-control-regex
    expect(line).not.toMatch(/\x1b/);
  });
});
