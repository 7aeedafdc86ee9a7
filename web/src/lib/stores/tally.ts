/**
 * Browser mode: the page's own responses → the same tick messages the loadtester streams, attribution
 * included, so the charts, tiles and counts work unchanged. A response naming a colour belongs to that
 * colour (and its pod, when named; a pod without a colour counts under its pod's colour); a response
 * without identity belongs to the front door; a fetch that failed belongs to unknown (the browser hides
 * which connection it used, so nothing is inferred). Pure: the caller passes the clock.
 */
import {
  countFailure,
  countResponse,
  emptyAttribution,
  emptyGroup,
  emptyOutcomes,
  nameRecord,
  MAX_RUN_COLORS,
  MAX_RUN_PODS,
  OTHER_BUCKET,
  UNNAMED_COLOR,
  type Attribution,
  type Bucket,
  type GroupStats,
  type LatencySummary,
  type Outcomes,
  type PodStats,
} from '$protocol/outcomes.js';
import type { Sample, TickMessage } from '$protocol/run.js';
import { LatencyHistogram } from './histogram.js';

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(latencies: number[]): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  const count = sorted.length;
  return {
    count,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: count ? sorted[count - 1]! : 0,
    mean: count ? sorted.reduce((a, b) => a + b, 0) / count : 0,
  };
}

function record(o: Outcomes, sample: Sample): void {
  o.sent++;
  if (sample.outcome === 'response') countResponse(o, sample.status ?? 0);
  else countFailure(o, sample.outcome);
}

/** At most this many latencies are kept per interval (a 1 ms interval sends far fewer than this). */
const MAX_LATENCIES = 10_000;

/** Where a sample belongs, by the rules above: a colour (and maybe a pod), the front door, or unknown. */
type Owner =
  { kind: 'named'; color: string | null; pod: string | null } | { kind: 'frontDoor' } | { kind: 'unknown' };

function ownerOf(sample: Sample): Owner {
  if (sample.outcome !== 'response') return { kind: 'unknown' };
  if (sample.color || sample.pod) return { kind: 'named', color: sample.color, pod: sample.pod };
  return { kind: 'frontDoor' };
}

/** One interval's (exact percentiles over kept latencies) or the run's (histogram) outcomes of a group. */
interface GroupCounter<L> {
  stats: GroupStats;
  latencies: L;
}

/** The attribution of one interval or of the whole run, with latencies kept as `L`. */
class AttributionCounter<L> {
  colors = nameRecord<GroupCounter<L>>();
  pods = nameRecord<GroupCounter<L> & { color: string }>();
  frontDoor: GroupCounter<L>;
  unknown: GroupCounter<L>;

  constructor(
    private readonly newLatencies: () => L,
    private readonly addLatency: (into: L, ms: number) => void,
    private readonly summary: (of: L) => LatencySummary,
  ) {
    this.frontDoor = this.group();
    this.unknown = this.group();
  }

  private group(): GroupCounter<L> {
    return { stats: emptyGroup(), latencies: this.newLatencies() };
  }

  add(sample: Sample, owner: Owner): void {
    const groups: GroupCounter<L>[] = [];
    if (owner.kind === 'frontDoor') groups.push(this.frontDoor);
    else if (owner.kind === 'unknown') groups.push(this.unknown);
    else {
      let color = owner.color;
      if (owner.pod) {
        const podKey = capKey(this.pods, owner.pod, MAX_RUN_PODS);
        const pod = (this.pods[podKey] ??= { ...this.group(), color: '' });
        if (color) pod.color = color;
        color = pod.color || UNNAMED_COLOR;
        groups.push(pod);
      }
      const colorKey = capKey(this.colors, color ?? UNNAMED_COLOR, MAX_RUN_COLORS);
      groups.push((this.colors[colorKey] ??= this.group()));
    }
    for (const group of groups) {
      record(group.stats, sample);
      if (sample.outcome === 'response') this.addLatency(group.latencies, sample.latencyMs);
    }
  }

  snapshot(): Attribution {
    const out = emptyAttribution();
    for (const [color, group] of Object.entries(this.colors)) out.colors[color] = this.stats(group);
    for (const [name, pod] of Object.entries(this.pods)) {
      const stats: PodStats = {
        ...this.stats(pod),
        color: pod.color,
        // The browser does not say which connection a fetch used.
        connections: { open: 0, opened: 0, closed: 0, requests: pod.stats.sent },
      };
      out.pods[name] = stats;
    }
    out.frontDoor = this.stats(this.frontDoor);
    out.unknown = this.stats(this.unknown);
    return out;
  }

  private stats(group: GroupCounter<L>): GroupStats {
    return { ...structuredClone(group.stats), latency: this.summary(group.latencies) };
  }
}

/**
 * The name itself while there is room (or it is already counted), else OTHER_BUCKET: the loadtester's
 * limits (MAX_RUN_COLORS, MAX_RUN_PODS), and a pod without a colour counts under UNNAMED_COLOR as there.
 */
function capKey(record: Record<string, unknown>, name: string, cap: number): string {
  if (name in record || Object.keys(record).length < cap - 1) return name;
  return OTHER_BUCKET;
}

function intervalCounter(): AttributionCounter<number[]> {
  return new AttributionCounter<number[]>(
    () => [],
    (into, ms) => {
      if (into.length < MAX_LATENCIES) into.push(ms);
    },
    summarize,
  );
}

function runCounter(): AttributionCounter<LatencyHistogram> {
  return new AttributionCounter(
    () => new LatencyHistogram(),
    (into, ms) => into.add(ms),
    (of) => of.summary(),
  );
}

export class BrowserTally {
  private seq = 0;
  private bucket = emptyOutcomes();
  private byColor: Record<string, number> = nameRecord();
  private byPod: Bucket['byPod'] = nameRecord();
  private latencies: number[] = [];
  private attribution = intervalCounter();
  private total = emptyOutcomes();
  private totalAttribution = runCounter();
  private startedAt: number;
  private intervalStart: number;

  constructor(
    now: number,
    readonly intervalMs = 1000,
  ) {
    this.startedAt = now;
    this.intervalStart = now;
  }

  /** A settled request (the browser source counts only settled requests; in-flight ones are reported apart). */
  add(sample: Sample): void {
    record(this.bucket, sample);
    record(this.total, sample);
    const owner = ownerOf(sample);
    this.attribution.add(sample, owner);
    this.totalAttribution.add(sample, owner);
    if (sample.outcome !== 'response') return;
    if (this.latencies.length < MAX_LATENCIES) this.latencies.push(sample.latencyMs);
    if (sample.color) this.byColor[sample.color] = (this.byColor[sample.color] ?? 0) + 1;
    if (sample.pod) {
      const pod = (this.byPod[sample.pod] ??= { color: sample.color ?? '', count: 0 });
      pod.count++;
      if (sample.color) pod.color = sample.color;
    }
  }

  /** Closes the current interval and returns it as a tick. */
  tick(now: number, inFlight: number, askedRate: number | null): TickMessage {
    const bucket: Bucket = {
      ...this.bucket,
      byColor: this.byColor,
      byPod: this.byPod,
      latency: summarize(this.latencies),
      // The page sends only when a request is due and a slot is free; it never skips one.
      skipped: { backoff: 0, busy: 0 },
      attribution: this.attribution.snapshot(),
    };
    const message: TickMessage = {
      type: 'tick',
      seq: ++this.seq,
      t: now,
      elapsedMs: now - this.startedAt,
      intervalMs: Math.max(1, now - this.intervalStart),
      bucket,
      total: structuredClone(this.total),
      totalAttribution: this.totalAttribution.snapshot(),
      inFlight,
      askedRate,
    };
    this.startInterval(now);
    return message;
  }

  private startInterval(now: number): void {
    this.bucket = emptyOutcomes();
    this.byColor = nameRecord();
    this.byPod = nameRecord();
    this.latencies = [];
    this.attribution = intervalCounter();
    this.intervalStart = now;
  }

  reset(now: number): void {
    this.seq = 0;
    this.total = emptyOutcomes();
    this.totalAttribution = runCounter();
    this.startedAt = now;
    this.startInterval(now);
  }
}
