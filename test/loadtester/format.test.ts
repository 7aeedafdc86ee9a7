/** The terminal output: progress bar and live line, free of control codes. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Tally } from '../../loadtester/count/tally.js';
import {
  brokenThresholds,
  formatReport,
  liveLine,
  printable,
  progressBar,
} from '../../loadtester/report/format.js';
import { buildReport } from '../../loadtester/report/report.js';
import type { Thresholds } from '../../loadtester/options.js';
import type { Report } from '../../protocol/report.js';
import { Terminal } from '../../loadtester/outputs/terminal.js';
import { styled } from '../../loadtester/outputs/style.js';

describe('format', () => {
  it('renders a bar and a live line without control codes', () => {
    expect(progressBar(0.5, '5s/10s', 10)).toBe('[#####-----]  50%  5s/10s');
    const t = new Tally();
    t.sent();
    t.response(200, 'blue', 'b', 1, 1);
    const { bucket, total, totalAttribution } = t.flush(1000);
    const line = liveLine({
      type: 'tick',
      seq: 0,
      t: 0,
      elapsedMs: 1000,
      intervalMs: 1000,
      bucket,
      total,
      totalAttribution,
      inFlight: 0,
      askedRate: 1,
    });
    expect(line).toMatch(/1 req\/s {2}blue 100% {2}p50 1\.00ms/);
    // eslint-disable-next-line no-control-regex
    expect(line).not.toMatch(/\x1b/);
  });

  it('prints a dash for the latency of an interval without responses', () => {
    const t = new Tally();
    t.sent();
    t.failure('refused');
    const { bucket, total, totalAttribution } = t.flush(1000);
    const line = liveLine({
      type: 'tick',
      seq: 0,
      t: 0,
      elapsedMs: 1000,
      intervalMs: 1000,
      bucket,
      total,
      totalAttribution,
      inFlight: 0,
      askedRate: 1,
    });
    const plain = styled(line, false);
    expect(plain).toContain('p50 – p99 –');
    expect(plain).not.toMatch(/\dms/);
    expect(plain).toContain('fail 1 (refused 1)');
  });

  it('counts what has not answered: requests waiting on their connections, and due ones not sent', () => {
    // A target that takes connections and never answers: nothing fails before the timeout.
    const t = new Tally();
    for (let i = 0; i < 4; i++) t.sent();
    const { bucket, total, totalAttribution } = t.flush(1000);
    const line = styled(
      liveLine({
        type: 'tick',
        seq: 3,
        t: 0,
        elapsedMs: 4000,
        intervalMs: 1000,
        bucket,
        total,
        totalAttribution,
        inFlight: 4,
        askedRate: 50,
      }),
      false,
    );
    expect(line).toMatch(/4 req\/s .*fail 0 {2}waiting 4 {2}not sent 46$/);
  });
});

const NO_THRESHOLDS: Thresholds = { maxErrors: null, maxErrorRate: null, maxP99Ms: null };

function reportOf(t: Tally, thresholds: Thresholds = NO_THRESHOLDS): string {
  return styled(formatReport(builtReport(t, thresholds)), false);
}

function builtReport(t: Tally, thresholds: Thresholds = NO_THRESHOLDS): Report {
  t.flush(1000);
  return buildReport({
    target: 'http://x/',
    firstErrors: {},
    startedAtEpochMs: 0,
    durationMs: 1000,
    sendingMs: 1000,
    total: t.total,
    colors: t.colors,
    pods: t.pods,
    folded: t.folded,
    switchOver: null,
    latency: t.runLatency(),
    askedRate: 1,
    skipped: { backoff: 0, busy: 0 },
    thresholds,
    attribution: t.runAttribution(),
  });
}

describe('the end of the report', () => {
  it('draws the latency histogram as bars, says which thresholds held with units, and pass with none set', () => {
    const t = new Tally();
    for (const ms of [0.5, 0.7, 1.5, 3, 3, 3, 40]) {
      t.sent();
      t.response(200, 'blue', 'p', ms, ms);
    }
    const text = reportOf(t);
    expect(text).toMatch(/^ {2} +≤ 1\.00ms {2}█+ 2 \(29%\)$/m);
    expect(text).toMatch(/^ {2} +≤ 5\.00ms {2}█{40} 3 \(43%\)$/m);
    expect(text).toMatch(/^ {2} +≤ 50\.0ms {2}█+ 1 \(14%\)$/m);
    expect(text).not.toMatch(/≤ 10\.0ms/);
    expect(text).toContain('Result     pass (no thresholds set)');

    const gated = reportOf(t, { maxErrors: 0, maxErrorRate: null, maxP99Ms: 10 });
    expect(gated).toContain('Threshold  ✓ max-errors 0 failed ≤ 0 failed');
    expect(gated).toMatch(/Threshold {2}✗ max-p99 40(\.\d+)? ms > 10 ms/);
    expect(gated).toMatch(/^Result {5}FAIL$/m);
  });

  it('says each broken threshold on its own line with its units, as the report does', () => {
    const t = new Tally();
    for (let i = 0; i < 4; i++) {
      t.sent();
      if (i === 0) t.response(200, 'green', 'g', 40, 40);
      else t.failure('refused');
    }
    const report = builtReport(t, {
      maxErrors: 0,
      maxErrorRate: 1,
      maxP99Ms: 10,
      colorMaxErrorRate: { blue: 1 },
      colorMaxP99Ms: { green: 10 },
    });
    expect(brokenThresholds(report)).toEqual([
      'threshold broken: max-errors is 3 failed, limit 0 failed',
      'threshold broken: max-error-rate is 75%, limit 1%',
      'threshold broken: max-error-rate blue: blue had no traffic (limit 1%)',
      expect.stringMatching(/^threshold broken: max-p99 is 40(\.\d+)? ms, limit 10 ms$/),
      expect.stringMatching(/^threshold broken: max-p99 green is 40(\.\d+)? ms, limit 10 ms$/),
    ]);
  });

  it('warns loudly when no request got a response, and shows a dash for latency', () => {
    const t = new Tally();
    for (let i = 0; i < 5; i++) {
      t.sent();
      t.failure('refused');
    }
    const text = reportOf(t);
    expect(text.match(/WARNING {4}no responses at all/g)).toHaveLength(2);
    expect(text).toContain('Latency    – (no responses)');
  });
});

describe('the Pods section', () => {
  it('says once that responses carry no pod identity, instead of an empty heading', () => {
    const t = new Tally();
    t.sent();
    t.response(200, 'blue', null, 1, 1);
    const text = reportOf(t);
    expect(text).toContain('Pods       responses carry no pod identity\n');
    expect(text.match(/no pod identity/g)).toHaveLength(1);
    expect(text).not.toMatch(/^Pods$/m);
  });

  it('lists the pods when a response named one', () => {
    const t = new Tally();
    t.sent();
    t.response(200, 'blue', 'lab-1', 1, 1);
    const text = reportOf(t);
    expect(text).toMatch(/^Pods\n {2}lab-1 +blue +1 {2}failed 0 {2}p99 1\.00ms {2}0 conns {2}0 req\/conn$/m);
    expect(text).not.toContain('no pod identity');
  });
});

describe('the shares of the report', () => {
  it("says a colour's share once, in Outcomes (of every due request), not a second one of the responses", () => {
    const t = new Tally();
    // 4 due: blue answered 1, green 2, and one 502 came from the front door without identity.
    for (let i = 0; i < 4; i++) t.sent();
    t.response(200, 'blue', 'blue-1', 1, 1);
    t.response(200, 'green', 'green-1', 1, 1);
    t.response(200, 'green', 'green-2', 1, 1);
    t.response(502, null, null, 1, 1);
    const text = reportOf(t);
    const share = (section: RegExp): string[] => text.match(section)?.slice(1) ?? [];
    // Outcomes: blue 1 of 4 due, green 2 of 4.
    expect(share(/^ {2}blue +1 +(\d+%)/m)).toEqual(['25%']);
    expect(share(/^ {2}green +2 +(\d+%)/m)).toEqual(['50%']);
    // Colours: counts and when each was seen, without a share of its own (it would read 33% and 67%).
    expect(text).not.toMatch(/33%|67%/);
    expect(text).toMatch(/^Colours\n {2}blue +1 +seen /m);
  });
});

describe('text a target chose, on the terminal', () => {
  const hostile = '\u001b]0;pwned\u0007\u001b[2J\r\nfake line\u009b31m\u202e\u007f';

  it('is escaped: no control character reaches the terminal, and the text stays readable', () => {
    expect(printable(hostile)).toBe('\\x1b]0;pwned\\x07\\x1b[2J\\x0d\\x0afake line\\x9b31m\\u202e\\x7f');
    expect(printable('blue ü 日本')).toBe('blue ü 日本');
    const t = new Tally();
    t.sent();
    t.response(200, hostile, hostile, 1, 1);
    const { bucket, total, totalAttribution, folded } = t.flush(1000);
    const line = liveLine({
      type: 'tick',
      seq: 0,
      t: 0,
      elapsedMs: 1000,
      intervalMs: 1000,
      bucket,
      total,
      totalAttribution,
      inFlight: 0,
      askedRate: 1,
      folded,
    });
    const report = formatReport(
      buildReport({
        target: 'http://x/',
        firstErrors: {},
        startedAtEpochMs: 0,
        durationMs: 1000,
        sendingMs: 1000,
        total: t.total,
        colors: t.colors,
        pods: t.pods,
        folded: t.folded,
        switchOver: { from: hostile, to: 'blue', startMs: 0, endMs: 1 },
        latency: t.runLatency(),
        askedRate: 1,
        skipped: { backoff: 0, busy: 0 },
        thresholds: { maxErrors: null, maxErrorRate: null, maxP99Ms: null },
        attribution: t.runAttribution(),
      }),
    );
    for (const text of [line, report]) {
      // eslint-disable-next-line no-control-regex
      expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
      expect(text).toContain('\\x1b]0;pwned\\x07');
    }
    // Colours, Outcomes, Pods and Switch: one line each, however many line breaks the name holds.
    expect(report.split('\n').filter((l) => l.includes('fake line'))).toHaveLength(4);
  });

  it('is escaped by the terminal whatever prints it, newlines apart', () => {
    let written = '';
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written += chunk.toString();
        done();
      },
    });
    const terminal = new Terminal(out, { quiet: false, intervalMs: 1000, durationMs: null, requests: null });
    terminal.write(`first ${hostile}\nsecond\n`);
    expect(written).toBe('first \\x1b]0;pwned\\x07\\x1b[2J\\x0d\nfake line\\x9b31m\\u202e\\x7f\nsecond\n');
  });
});
