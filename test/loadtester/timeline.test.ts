import { describe, expect, it } from 'vitest';
import type { EventMessage } from '../../protocol/events.js';
import type { Report } from '../../protocol/report.js';
import type { RunSettings } from '../../protocol/run.js';
import { EventLog, TimelineRecorder } from '../../loadtester/count/timeline.js';
import { reportJson } from '../../loadtester/report/report-json.js';
import { syntheticRun } from '../helpers/run-ticks.js';

const settings = { mode: 'load', target: 'http://127.0.0.1:1/', intervalMs: 1000 } as RunSettings;

describe('TimelineRecorder', () => {
  it('keeps every tick as sent while within its budget', () => {
    const { ticks } = syntheticRun({ seconds: 30, rate: 50, pods: 2 });
    const recorder = new TimelineRecorder();
    for (const tick of ticks)
      recorder.tick(tick, [
        { t: tick.t, outcome: 'timeout', status: null, color: null, pod: null, latencyMs: 1 },
      ]);
    const timeline = recorder.timeline(settings);
    expect(timeline.coarsened).toBeNull();
    expect(timeline.ticks.map((t) => t.seq)).toEqual(ticks.map((t) => t.seq));
    expect(timeline.ticks[5]!.bucket).toEqual(ticks[5]!.bucket);
    expect(timeline.ticks[0]).not.toHaveProperty('total');
    expect(timeline.samples).toHaveLength(30);
  });

  it('past its budget merges the older ticks, keeps the latest as sent, and says so', () => {
    const { ticks } = syntheticRun({ seconds: 150, rate: 20, pods: 8 });
    const budget = 100_000;
    const recorder = new TimelineRecorder(budget);
    for (const tick of ticks) recorder.tick(tick);
    const timeline = recorder.timeline(settings);
    expect(JSON.stringify(timeline.ticks).length).toBeLessThanOrEqual(budget);
    expect(timeline.ticks.length).toBeLessThan(ticks.length);
    // Nothing lost: every count is in one kept tick, and the kept ticks still cover the run in order.
    const sum = (list: { bucket: { sent: number; failed: number } }[], key: 'sent' | 'failed'): number =>
      list.reduce((n, t) => n + t.bucket[key], 0);
    expect(sum(timeline.ticks, 'sent')).toBe(sum(ticks, 'sent'));
    expect(sum(timeline.ticks, 'failed')).toBe(sum(ticks, 'failed'));
    expect(timeline.ticks.reduce((n, t) => n + t.intervalMs, 0)).toBe(150_000);
    const seqs = timeline.ticks.map((t) => t.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(timeline.ticks[timeline.ticks.length - 1]!.bucket).toEqual(ticks[ticks.length - 1]!.bucket);
    // Older is coarser.
    expect(timeline.ticks[0]!.intervalMs).toBeGreaterThan(
      timeline.ticks[timeline.ticks.length - 1]!.intervalMs,
    );
    const c = timeline.coarsened!;
    expect(c.budgetBytes).toBe(budget);
    expect(c.widestMs).toBe(timeline.ticks[0]!.intervalMs);
    expect(c.mergedTicks + timeline.ticks.filter((t) => t.intervalMs === 1000).length).toBe(150);
    expect(c.note).toMatch(/merged/);
  });
});

describe('EventLog', () => {
  it('keeps the latest events and counts the ones it let go', () => {
    const log = new EventLog(3);
    for (let t = 1; t <= 5; t++)
      log.add({ type: 'event', t, kind: 'pod-ready', pod: `p${t}` } as EventMessage);
    expect(log.events.map((e) => e.t)).toEqual([3, 4, 5]);
    expect(log.dropped).toBe(2);
  });
});

describe('reportJson', () => {
  it('writes the same report back, a tick and an event per line', () => {
    const { ticks } = syntheticRun({ seconds: 5, rate: 20, pods: 2 });
    const recorder = new TimelineRecorder();
    for (const tick of ticks) recorder.tick(tick);
    const report = {
      target: 'http://127.0.0.1:1/',
      sent: 100,
      thresholds: [],
      timeline: recorder.timeline(settings),
      events: [{ type: 'event', t: 1, kind: 'run-started' }],
    } as unknown as Report;
    const text = reportJson(report);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(report)));
    const lines = text.split('\n');
    expect(lines.filter((l) => l.startsWith('      {"seq":'))).toHaveLength(5);
    expect(lines).toContain('    {"type":"event","t":1,"kind":"run-started"}');
    const plain = { target: 'x', sent: 1 } as unknown as Report;
    expect(reportJson(plain)).toBe(JSON.stringify(plain, null, 2) + '\n');
  });
});
