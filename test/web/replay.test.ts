import { describe, expect, it } from 'vitest';
import type { Report } from '../../protocol/report.js';
import type { RunSettings } from '../../protocol/run.js';
import type { ServerMessage } from '../../protocol/stream.js';
import { DashboardModel } from '../../web/src/lib/stores/dashboard.js';
import type { ConnectionState } from '../../web/src/lib/stores/store.js';
import {
  parseReplay,
  ReplayError,
  reportUrl,
  ReplaySource,
  toReplay,
} from '../../web/src/lib/sources/replay.js';
import { TimelineRecorder } from '../../loadtester/count/timeline.js';
import { syntheticRun } from '../helpers/run-ticks.js';
import { IncidentFinder } from '../../loadtester/count/incidents.js';
import { reportAttribution } from '../../loadtester/report/report.js';

const settings = {
  mode: 'demo',
  target: 'http://127.0.0.1:1/',
  intervalMs: 1000,
  running: false,
  controls: { allowed: true, tokenRequired: true, maxRate: 100, rollout: true, strategies: ['rolling'] },
} as RunSettings;

function savedRun(): { report: Report; tally: ReturnType<typeof syntheticRun>['tally'] } {
  const { ticks, tally } = syntheticRun({ seconds: 12, rate: 50, pods: 4 });
  const recorder = new TimelineRecorder();
  for (const tick of ticks) recorder.tick(tick);
  const start = ticks[0]!.t - 1000;
  const finder = new IncidentFinder();
  for (const tick of ticks) finder.tick(tick);
  const report = {
    target: settings.target,
    startedAt: new Date(start).toISOString(),
    sent: tally.total.sent,
    attribution: reportAttribution(tally.runAttribution()),
    incidents: finder.incidents(),
    timeline: recorder.timeline(settings),
    events: [
      { type: 'event', t: start - 500, kind: 'pod-added', pod: 'blue-7d9f8c-0', color: 'blue' },
      { type: 'event', t: start, kind: 'run-started' },
      { type: 'event', t: start + 6500, kind: 'pod-added', pod: 'green-7d9f8c-0', color: 'green' },
    ],
  } as unknown as Report;
  return { report, tally };
}

function play(report: Report): { source: ReplaySource; model: DashboardModel; states: ConnectionState[] } {
  const model = new DashboardModel();
  const states: ConnectionState[] = [];
  const source = new ReplaySource(toReplay(report));
  source.start({ message: (m: ServerMessage) => model.apply(m), connection: (s) => states.push(s) });
  return { source, model, states };
}

describe('the replay source', () => {
  it('shows the whole run at first, and controls nothing', () => {
    const { report, tally } = savedRun();
    const { source, model, states } = play(report);
    expect(states).toEqual([{ status: 'replay', detail: report.startedAt }]);
    expect(source.position).toBe(12);
    expect(model.total).toEqual(tally.total);
    expect(model.summary).toBe(report);
    expect(model.settings?.controls.allowed).toBe(false);
    expect(model.settings?.controls.rollout).toBe(false);
    expect(model.events.map((e) => e.kind)).toEqual(['pod-added', 'run-started', 'pod-added']);
    expect(source.send({ type: 'control', action: 'stop' })).toBe(false);
  });

  it('seeks: the run as it stood after n ticks, its events up to then, no report before the end', () => {
    const { report } = savedRun();
    const { source, model } = play(report);
    source.seek(5);
    const ticks = report.timeline!.ticks.slice(0, 5);
    expect(model.total.sent).toBe(ticks.reduce((n, t) => n + t.bucket.sent, 0));
    expect(model.runByColor.blue).toBe(ticks.reduce((n, t) => n + (t.bucket.byColor.blue ?? 0), 0));
    expect(model.summary).toBeNull();
    expect(model.events.map((e) => e.kind)).toEqual(['pod-added', 'run-started']);
    source.seek(0);
    expect(model.total.sent).toBe(0);
    expect(model.events.map((e) => e.kind)).toEqual(['pod-added', 'run-started']);
    source.seek(99);
    expect(source.position).toBe(12);
    expect(model.summary).toBe(report);
  });

  it("shows the report's own attribution at the end, not one summed again from the ticks", () => {
    const { report } = savedRun();
    const { source, model } = play(report);
    // Summed from the ticks, the percentiles are estimates from each interval's, and differ.
    source.seek(report.timeline!.ticks.length - 1);
    source.seek(report.timeline!.ticks.length);
    expect(model.totalAttribution).toBe(report.attribution);
    const green = model.pods.list().find((p) => p.name === 'green-7d9f8c-0')!;
    expect(green.p99).toBe(report.attribution!.pods['green-7d9f8c-0']!.latency.p99);
  });

  it('lists, before the end, only the failures up to the slider in its incidents', () => {
    const { report } = savedRun();
    // A failure or more in every second: the run is one incident, its failures the run's.
    expect(report.incidents).toHaveLength(1);
    const { source, model } = play(report);
    source.seek(5);
    const shown = report.timeline!.ticks.slice(0, 5);
    const failed = shown.reduce((n, t) => {
      const a = t.bucket.attribution;
      return (
        n + Object.values(a.colors).reduce((m, c) => m + c.failed, 0) + a.frontDoor.failed + a.unknown.failed
      );
    }, 0);
    expect(model.incidents).toHaveLength(1);
    expect(model.incidents[0]!.failed).toBe(failed);
    expect(model.incidents[0]!.failed).toBeLessThan(report.incidents![0]!.failed);
    expect(model.incidents[0]!.window.end).toBe(shown.at(-1)!.t);
  });

  it('replays the cluster view failing: the notice follows the slider, the incidents name it', () => {
    const { report } = savedRun();
    const start = report.timeline!.ticks[0]!.t - 1000;
    const clusterView = {
      problem: 'forbidden',
      resource: 'pods',
      namespace: 'bluegreen',
      status: 403,
    } as const;
    const view = (t: number, kind: 'cluster-view-failed' | 'cluster-view-back') =>
      ({ type: 'event', t, kind, source: 'kube', message: `${kind} said`, clusterView }) as const;
    report.events = [
      ...report.events!,
      view(start + 2500, 'cluster-view-failed'),
      view(start + 8500, 'cluster-view-back'),
    ];
    const { source, model } = play(report);
    source.seek(1);
    expect(model.cluster.viewFailures()).toEqual([]);
    source.seek(5);
    expect(model.cluster.viewFailures().map((f) => f.message)).toEqual(['cluster-view-failed said']);
    expect(model.incidents.map((i) => i.cause)).toEqual(['cluster-view-failing']);
    source.seek(10);
    expect(model.cluster.viewFailures()).toEqual([]);
  });

  it('refuses what it cannot replay, saying why', () => {
    expect(() => parseReplay('hello')).toThrow(/not JSON/);
    expect(() => toReplay({ hello: 1 })).toThrow(/not a bluegreen report/);
    expect(() => toReplay({ target: 'x', sent: 1 })).toThrow(/no timeline/);
  });

  it('finds ?report= relative to the page', () => {
    expect(reportUrl('http://h/dashboard/?report=run.json')).toBe('http://h/dashboard/run.json');
    expect(reportUrl('http://h/dashboard/')).toBeNull();
  });

  it('refuses a ?report= on another origin: a link must not show a forged run under this page', () => {
    for (const given of [
      'https://evil.example/run.json',
      '//evil.example/run.json',
      'http://h:8081/run.json',
    ]) {
      const page = `http://h/dashboard/?report=${encodeURIComponent(given)}`;
      expect(() => reportUrl(page)).toThrow(ReplayError);
      try {
        reportUrl(page);
      } catch (error) {
        expect((error as ReplayError).key).toBe('replay.other-origin');
      }
    }
    expect(reportUrl('http://h/dashboard/?report=/runs/a.json')).toBe('http://h/runs/a.json');
  });
});
