/**
 * Incidents: failures close together in time, each with a probable cause read from the run's own evidence
 * (the ticks' attribution and the lifecycle events of the demo or of `--kube`). Pure: ticks and events go in,
 * incidents come out; memory is bounded (only intervals with failures are kept, and a capped event list).
 *
 * Causes, the first that fits (see docs/kubernetes.md "Why requests fail during a rollout"):
 * - no-ready-endpoints: the Service had no ready endpoint just before or during the failures (a Recreate
 *   rollout, maxUnavailable too high, a failing readiness probe): the front door answers 502/503 or refuses.
 * - bad-new-version: most failures are the new colour's own, its error rate is above the old colour's by more
 *   than a margin, or its p99 is much worse.
 * - missing-drain: a pod got SIGTERM (or exited) while the Service still listed it, and most failures are
 *   resets, refusals or drops on it (or at the front door, which still sent there): the app stopped before
 *   the front door stopped sending. Add a drain (DRAIN_SECONDS) or a preStop sleep longer than endpoint propagation.
 * - keep-alive-to-terminating: most failures are on pods that left the endpoints long before and still got
 *   traffic: kept-alive connections behind an L4 Service stay on their pod (use --recycle, or an L7 route).
 * - cluster-view-failing: none of these, but `--kube` could not read the cluster (cluster-view-failed, until
 *   its cluster-view-back) just before or during the failures: the cause may be among the events it missed.
 * - unexplained: none of these; the raw facts are the evidence.
 */
import { clusterViewKey, type EventMessage } from '../../protocol/events.js';
import { FRONT_DOOR_LABEL, UNKNOWN_LABEL, type GroupStats } from '../../protocol/outcomes.js';
import type { Incident, IncidentCause } from '../../protocol/report.js';
import type { TickMessage } from '../../protocol/run.js';

export interface IncidentOptions {
  /** Failing intervals at most this far apart belong to one incident. */
  gapMs: number;
  /** How far before an incident its causes are looked for (endpoint propagation, the last requests' timeouts). */
  lookbackMs: number;
  /** A pod this long out of the endpoints and still served had kept-alive connections. */
  keepAliveMs: number;
  /** Bad new version: its error rate above the old's by at least this much (0.05 = 5 points)… */
  errorRateMargin: number;
  /** …or its p99 at least this many times the old's (and at least 50 ms more). */
  p99Factor: number;
}

export const DEFAULT_INCIDENT_OPTIONS: IncidentOptions = {
  gapMs: 3000,
  lookbackMs: 5000,
  keepAliveMs: 5000,
  errorRateMargin: 0.05,
  p99Factor: 2,
};

const MAX_FAILING_TICKS = 3600;
const MAX_EVENTS = 5000;
const MAX_INCIDENTS = 50;

interface FailingTick {
  t: number;
  intervalMs: number;
  failed: number;
  counts: Record<string, number>;
  /** Failures per pod, front door and unknown; and of them, connection-level ones (reset, refused, dropped, timeout). */
  byPod: Map<string, { failed: number; connection: number; color: string | null }>;
  colors: Map<string, { sent: number; failed: number; p99: number }>;
}

interface ColorTotals {
  sent: number;
  failed: number;
  p99: number;
}

/** Whether the interval had failures, the only ticks that change a run's incidents. */
export function mayChangeIncidents(tick: TickMessage): boolean {
  return tick.bucket.failed + tick.bucket.skipped.backoff + tick.bucket.skipped.busy > 0;
}

export class IncidentFinder {
  private readonly failing: FailingTick[] = [];
  private readonly events: EventMessage[] = [];
  /** Epoch ms of each pod's latest response. */
  private readonly lastResponse = new Map<string, number>();
  private startedAt: number | null = null;

  constructor(private readonly options: IncidentOptions = DEFAULT_INCIDENT_OPTIONS) {}

  /**
   * A new run: its failures start from nothing, the lifecycle events stay (which pods are in the endpoints
   * was told before the run started).
   */
  newRun(): void {
    this.failing.length = 0;
    this.lastResponse.clear();
    this.startedAt = null;
  }

  /** Returns whether the interval had failures (the incidents may have changed). */
  tick(tick: TickMessage): boolean {
    this.startedAt ??= tick.t - tick.elapsedMs;
    const a = tick.bucket.attribution;
    for (const [pod, stats] of Object.entries(a.pods)) {
      if (okResponses(stats) > 0) this.lastResponse.set(pod, tick.t);
    }
    if (!mayChangeIncidents(tick)) return false;
    const byPod = new Map<string, { failed: number; connection: number; color: string | null }>();
    const add = (name: string, stats: GroupStats, color: string | null): void => {
      if (stats.failed > 0)
        byPod.set(name, { failed: stats.failed, connection: connectionFailures(stats), color });
    };
    for (const [pod, stats] of Object.entries(a.pods)) add(pod, stats, stats.color);
    add(FRONT_DOOR_LABEL, a.frontDoor, null);
    add(UNKNOWN_LABEL, a.unknown, null);
    const colors = new Map<string, { sent: number; failed: number; p99: number }>();
    for (const [color, stats] of Object.entries(a.colors))
      colors.set(color, { sent: stats.sent, failed: stats.failed, p99: stats.latency.p99 });
    this.failing.push({
      t: tick.t,
      intervalMs: tick.intervalMs,
      failed: sumFailed(a),
      counts: kindCounts(tick),
      byPod,
      colors,
    });
    if (this.failing.length > MAX_FAILING_TICKS) this.failing.shift();
    return true;
  }

  event(event: EventMessage): void {
    if (event.kind === 'rollout-progress' || event.kind === 'rollout-step') return;
    this.events.push(event);
    if (this.events.length > MAX_EVENTS) this.events.shift();
  }

  incidents(): Incident[] {
    const groups: FailingTick[][] = [];
    for (const tick of this.failing) {
      const last = groups.at(-1)?.at(-1);
      if (last && tick.t - tick.intervalMs - last.t <= this.options.gapMs) groups.at(-1)!.push(tick);
      else groups.push([tick]);
    }
    return groups.slice(-MAX_INCIDENTS).map((g) => this.explain(g));
  }

  private explain(ticks: FailingTick[]): Incident {
    const start = ticks[0]!.t - ticks[0]!.intervalMs;
    const end = ticks.at(-1)!.t;
    const counts: Record<string, number> = {};
    const pods = new Map<string, { failed: number; connection: number; color: string | null }>();
    let failed = 0;
    for (const tick of ticks) {
      failed += tick.failed;
      for (const [k, n] of Object.entries(tick.counts)) counts[k] = (counts[k] ?? 0) + n;
      for (const [name, p] of tick.byPod) {
        const had = pods.get(name) ?? { failed: 0, connection: 0, color: p.color };
        had.failed += p.failed;
        had.connection += p.connection;
        pods.set(name, had);
      }
    }
    const since = (t: number): number => t - (this.startedAt ?? start);
    const at = (t: number): string => `+${(since(t) / 1000).toFixed(1)}s`;
    const base = {
      window: { start, end, startMs: since(start), endMs: since(end) },
      failed,
      counts,
      pods: Object.fromEntries(
        [...pods].sort((a, b) => b[1].failed - a[1].failed).map(([n, p]) => [n, p.failed]),
      ),
    };
    const found =
      this.noReadyEndpoints(start, end, at) ??
      this.badNewVersion(ticks, start, end, failed) ??
      this.missingDrain(start, end, failed, pods, at) ??
      this.keepAlive(start, failed, pods, at);
    if (found) return { ...base, ...found };
    const blind = this.viewFailures(start - this.options.lookbackMs, end);
    const nearby = this.events
      .filter(
        (e) =>
          e.t >= start - this.options.lookbackMs &&
          e.t <= end &&
          e.kind !== 'run-started' &&
          !e.kind.startsWith('cluster-view-'),
      )
      .slice(0, 8)
      .map((e) => `${at(e.t)} ${e.kind}${e.pod ? ` ${e.pod}` : ''}${e.message ? `: ${e.message}` : ''}`);
    const facts = [
      `${failed} failures from ${at(start)} to ${at(end)}: ${describeCounts(counts)}`,
      `by pod: ${[...pods].map(([n, p]) => `${n} ${p.failed}`).join(', ')}`,
      ...(nearby.length > 0 ? nearby : ['no lifecycle events around it']),
    ];
    if (blind.length > 0)
      return {
        ...base,
        cause: 'cluster-view-failing',
        summary:
          'no known cause fits, and the cause could not be read from the cluster: the cluster view was failing ' +
          '(see the evidence); give the loadtester the access it needs and run again',
        evidence: [
          ...blind.map(
            (f) =>
              `cluster view failing from ${at(f.from)}${f.until === null ? ', never back' : ` until ${at(f.until)}`}: ${f.message}`,
          ),
          ...facts,
        ],
      };
    return { ...base, cause: 'unexplained', summary: 'no known cause fits: see the facts', evidence: facts };
  }

  /** The cluster view's failures (cluster-view-failed to its cluster-view-back) that overlap from…until. */
  private viewFailures(
    from: number,
    until: number,
  ): { from: number; until: number | null; message: string }[] {
    const open = new Map<string, { from: number; message: string }>();
    const spans: { from: number; until: number | null; message: string }[] = [];
    for (const e of this.events) {
      if (!e.clusterView) continue;
      const key = clusterViewKey(e.clusterView);
      if (e.kind === 'cluster-view-failed') {
        if (!open.has(key)) open.set(key, { from: e.t, message: e.message ?? e.clusterView.problem });
      } else if (e.kind === 'cluster-view-back') {
        const failed = open.get(key);
        open.delete(key);
        if (failed) spans.push({ ...failed, until: e.t });
      }
    }
    for (const failed of open.values()) spans.push({ ...failed, until: null });
    return spans
      .filter((s) => s.from <= until && (s.until === null || s.until >= from))
      .sort((a, b) => a.from - b.from)
      .slice(0, 4);
  }

  /** Ready endpoints over time, from endpoint events (null: this source sends none). */
  private readyEndpoints(until: number): { t: number; count: number }[] | null {
    const ready = new Set<string>();
    const series: { t: number; count: number }[] = [];
    let any = false;
    for (const e of this.events) {
      if (e.t > until) break;
      if (!e.kind.startsWith('endpoint-') || !e.pod) continue;
      any = true;
      if (e.kind === 'endpoint-added') ready.add(e.pod);
      else ready.delete(e.pod);
      series.push({ t: e.t, count: ready.size });
    }
    return any ? series : null;
  }

  private noReadyEndpoints(start: number, end: number, at: (t: number) => string): Found | null {
    const series = this.readyEndpoints(end);
    if (!series) return null;
    const from = start - this.options.lookbackMs;
    const before = series.filter((s) => s.t < from).at(-1);
    const during = series.filter((s) => s.t >= from && s.t <= end);
    const empty = [
      ...(before && before.count === 0 ? [before] : []),
      ...during.filter((s) => s.count === 0),
    ][0];
    if (!empty) return null;
    // When the endpoints came back, even after the failures ended (requests waiting for a connection).
    const back = (this.readyEndpoints(Infinity) ?? []).find((s) => s.t > empty.t && s.count > 0);
    const terminated = this.events.filter(
      (e) => e.kind === 'pod-terminating' && e.t >= Math.min(from, empty.t) - 1000 && e.t <= end && e.pod,
    );
    return {
      cause: 'no-ready-endpoints',
      summary:
        'the Service had no ready endpoints, so the front door had nowhere to send requests (502/503 or refused): ' +
        'a Recreate rollout, maxUnavailable too high, or a failing readiness probe',
      evidence: [
        `no ready endpoint from ${at(empty.t)}${back ? ` until ${at(back.t)} (${((back.t - empty.t) / 1000).toFixed(1)} s)` : ', none since'}`,
        ...(terminated.length > 0
          ? [`${terminated.length} pods terminated just before: ${terminated.map((e) => e.pod).join(', ')}`]
          : []),
      ],
    };
  }

  private badNewVersion(ticks: FailingTick[], start: number, end: number, failed: number): Found | null {
    const started = this.events.filter((e) => e.kind === 'rollout-started' && e.t <= end && e.color).at(-1);
    if (!started?.color) return null;
    const colors = new Map<string, ColorTotals>();
    for (const tick of ticks) {
      for (const [color, c] of tick.colors) {
        const had = colors.get(color) ?? { sent: 0, failed: 0, p99: 0 };
        had.sent += c.sent;
        had.failed += c.failed;
        had.p99 = Math.max(had.p99, c.p99);
        colors.set(color, had);
      }
    }
    const fresh = colors.get(started.color);
    if (!fresh || fresh.sent === 0 || fresh.failed * 2 < failed) return null;
    const olds = [...colors].filter(([c]) => c !== started.color);
    const old: ColorTotals = olds.reduce(
      (sum, [, c]) => ({
        sent: sum.sent + c.sent,
        failed: sum.failed + c.failed,
        p99: Math.max(sum.p99, c.p99),
      }),
      { sent: 0, failed: 0, p99: 0 },
    );
    const rate = (c: ColorTotals): number => (c.sent === 0 ? 0 : c.failed / c.sent);
    const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
    const worseRate = rate(fresh) >= rate(old) + this.options.errorRateMargin;
    const worseP99 =
      old.sent > 0 && fresh.p99 >= old.p99 * this.options.p99Factor && fresh.p99 - old.p99 >= 50;
    if (!worseRate && !worseP99) return null;
    const oldName = olds.map(([c]) => c).join('/') || 'the old version';
    return {
      cause: 'bad-new-version',
      summary: `the new version (${started.color}) answers worse than the old: roll back and fix it before rolling out again`,
      evidence: [
        `${started.color}: ${fresh.failed} of ${fresh.sent} failed (${pct(rate(fresh))}), p99 ${Math.round(fresh.p99)} ms`,
        old.sent > 0
          ? `${oldName}: ${old.failed} of ${old.sent} failed (${pct(rate(old))}), p99 ${Math.round(old.p99)} ms`
          : `no requests reached ${oldName} in the same time`,
        `${fresh.failed} of the ${failed} failures are ${started.color}'s own`,
        ...(start < started.t
          ? []
          : [`the rollout to ${started.color} started ${((start - started.t) / 1000).toFixed(1)} s before`]),
      ],
    };
  }

  private missingDrain(
    start: number,
    end: number,
    failed: number,
    pods: Map<string, { failed: number; connection: number }>,
    at: (t: number) => string,
  ): Found | null {
    const from = start - this.options.lookbackMs;
    const stopped = this.events.filter(
      (e) =>
        e.pod &&
        (e.kind === 'pod-terminating' || e.kind === 'pod-gone' || e.kind === 'pod-crashed') &&
        e.t >= from &&
        e.t <= end,
    );
    const evidence: string[] = [];
    const culprits = new Set<string>();
    for (const e of stopped) {
      const pod = e.pod!;
      if (culprits.has(pod)) continue;
      const listed = this.listedAt(pod, e.t);
      if (!listed.listed) continue;
      culprits.add(pod);
      const verb =
        e.kind === 'pod-terminating' ? 'got SIGTERM' : e.kind === 'pod-gone' ? 'exited' : 'crashed';
      const p = pods.get(pod);
      evidence.push(
        `${pod} ${verb} at ${at(e.t)} while still in the Service's endpoints (${listed.how})` +
          (p
            ? `; ${p.connection} resets/refusals/drops and ${p.failed - p.connection} other failures on it`
            : ''),
      );
    }
    if (culprits.size === 0) return null;
    const onCulprits = [...culprits].reduce((n, pod) => n + (pods.get(pod)?.failed ?? 0), 0);
    const atDoor = (pods.get(FRONT_DOOR_LABEL)?.failed ?? 0) + (pods.get(UNKNOWN_LABEL)?.failed ?? 0);
    if ((onCulprits + atDoor) * 2 < failed) return null;
    if (atDoor > 0)
      evidence.push(
        `${atDoor} failures at the front door or without a pod (it still sent to the stopped pods)`,
      );
    return {
      cause: 'missing-drain',
      summary:
        'pods stopped serving before the front door stopped sending to them: keep serving after SIGTERM for longer ' +
        'than endpoint propagation (DRAIN_SECONDS, or a preStop sleep)',
      evidence,
    };
  }

  /** Whether the pod was a ready endpoint when it stopped (no endpoint events: listed, as a pod is until it stops). */
  private listedAt(pod: string, t: number): { listed: boolean; how: string } {
    const mine = this.events.filter((e) => e.pod === pod && e.kind.startsWith('endpoint-'));
    if (mine.length === 0) return { listed: true, how: 'no endpoint events: assumed listed' };
    const last = mine.filter((e) => e.t < t).at(-1);
    // Kubernetes removes the endpoint and sends SIGTERM at the same moment: a removal at (about) the same
    // time still means the front door had it, since it learns of the removal later.
    const removal = mine.find((e) => e.kind !== 'endpoint-added' && e.t >= t - 1000 && e.t <= t + 1000);
    if (last?.kind === 'endpoint-added' || removal)
      return {
        listed: true,
        how: removal
          ? `removed at the same moment, ${(Math.abs(removal.t - t) / 1000).toFixed(1)} s apart`
          : 'listed as ready',
      };
    return { listed: false, how: '' };
  }

  private keepAlive(
    start: number,
    failed: number,
    pods: Map<string, { failed: number }>,
    at: (t: number) => string,
  ): Found | null {
    const evidence: string[] = [];
    let onThem = 0;
    for (const [pod, p] of pods) {
      const left = this.events
        .filter((e) => e.pod === pod && e.kind === 'endpoint-removed' && e.t <= start)
        .at(-1);
      const last = this.lastResponse.get(pod);
      if (!left || last === undefined) continue;
      if (start - left.t < this.options.keepAliveMs || last - left.t < this.options.keepAliveMs) continue;
      onThem += p.failed;
      evidence.push(
        `${pod} left the endpoints at ${at(left.t)} and still answered until ${at(last)}; ${p.failed} failures on it from ${at(start)}`,
      );
    }
    if (onThem === 0 || onThem * 2 < failed) return null;
    return {
      cause: 'keep-alive-to-terminating',
      summary:
        'kept-alive connections stayed on pods long after they left the endpoints (an L4 Service balances per ' +
        'connection): recycle connections (--recycle) or route per request (an L7 Ingress or HTTPRoute)',
      evidence,
    };
  }
}

type Found = Pick<Incident, 'cause' | 'summary' | 'evidence'>;

function okResponses(stats: GroupStats): number {
  return stats.responses['2xx'] + stats.responses['3xx'];
}

function connectionFailures(stats: GroupStats): number {
  return stats.errors.refused + stats.errors.reset + stats.errors.other + stats.timeouts + stats.dropped;
}

function sumFailed(a: TickMessage['bucket']['attribution']): number {
  return Object.values(a.colors).reduce((n, c) => n + c.failed, 0) + a.frontDoor.failed + a.unknown.failed;
}

function kindCounts(tick: TickMessage): Record<string, number> {
  const b = tick.bucket;
  const counts: Record<string, number> = {
    refused: b.errors.refused,
    reset: b.errors.reset,
    other: b.errors.other,
    timeouts: b.timeouts,
    dropped: b.dropped,
    '4xx': b.responses['4xx'],
    '5xx': b.responses['5xx'],
    'not sent': b.skipped.backoff + b.skipped.busy,
  };
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
}

export function describeCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
}

export type { Incident, IncidentCause };
