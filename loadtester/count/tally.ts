/**
 * Counts every request's outcome per bucket and for the whole run. No I/O and no clock: callers pass
 * times (ms since the run started), so it is tested directly.
 */
import {
  addOutcomes,
  countFailure,
  countResponse,
  emptyLatency,
  emptyOutcomes,
  MAX_RUN_COLORS,
  MAX_RUN_PODS,
  nameRecord,
  OTHER_BUCKET,
  settled,
  UNNAMED_COLOR,
  type Attribution,
  type Bucket,
  type ConnectionStats,
  type FailureKind,
  type FoldCounts,
  type GroupStats,
  type LatencySummary,
  type Outcomes,
  type PodStats,
  type PodTally,
} from '../../protocol/outcomes.js';
import { createHistogram, LatencyBars, PeakLatency, summarise, type Histogram } from './histogram.js';
import type { ConnectionTrack } from './connection-track.js';
import type { SkipCounts } from './skip-counts.js';

export interface ColorSeen {
  count: number;
  firstSeenMs: number;
  lastSeenMs: number;
}

/** The latest change of the only colour seen in a bucket (mixed buckets in between form the window). */
export interface SoloSwitch {
  from: string;
  to: string;
  startMs: number;
  endMs: number;
}

/** Distinct folded names are counted (by a 32-bit hash) up to this many; past it the count is a lower bound. */
export const FOLD_COUNT_LIMIT = 100_000;

/** Decides which names keep their own entry, and counts the distinct names it folded. */
class Folder {
  private readonly folded = new Set<number>();

  constructor(
    private readonly max: number,
    private readonly known: ReadonlyMap<string, unknown>,
  ) {}

  get count(): number {
    return this.folded.size;
  }

  key(name: string): string {
    if (name === OTHER_BUCKET || this.known.has(name) || this.known.size < this.max) return name;
    if (this.folded.size < FOLD_COUNT_LIMIT) this.folded.add(fnv1a(name));
    return OTHER_BUCKET;
  }
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The front door's key among the latency groups (a symbol: no colour name can equal it). */
const FRONT_DOOR = Symbol('front door');

/** A group's counts: outcomes plus skipped and inferred (GroupStats without its latency). */
type Counts = Omit<GroupStats, 'latency'>;

function emptyCounts(): Counts {
  return { ...emptyOutcomes(), skipped: 0, inferred: 0 };
}

function copyCounts(c: Counts): Counts {
  return { ...c, responses: { ...c.responses }, errors: { ...c.errors } };
}

function addCounts(into: Counts, from: Counts): void {
  addOutcomes(into, from);
  into.skipped += from.skipped;
  into.inferred += from.inferred;
}

function emptyConnections(): ConnectionStats {
  return { open: 0, opened: 0, closed: 0, requests: 0 };
}

/** A colour, the front door or unknown: counts and an HDR histogram per interval, merged into the run's. */
class Group {
  bucket = emptyCounts();
  readonly run = emptyCounts();
  readonly bucketLatency: Histogram = createHistogram();
  readonly runLatency: Histogram = createHistogram();
  /** Something was counted in the current interval. */
  active = false;
  /** Responses in the interval that named this colour (protocol 1's byColor). */
  named = 0;
  /** The run's ColorSeen for this colour; null until a response names it (a pod's colour group always has one). */
  seen: ColorSeen | null = null;

  record(status: number, latencyUs: number): void {
    this.bucket.sent++;
    countResponse(this.bucket, status);
    this.bucketLatency.recordValue(latencyUs);
    this.active = true;
  }

  fail(kind: FailureKind, inferred: boolean): void {
    this.bucket.sent++;
    countFailure(this.bucket, kind);
    if (inferred) this.bucket.inferred++;
    this.active = true;
  }

  /** The interval's stats; then the interval is added to the run's and cleared. */
  close(): GroupStats {
    const stats: GroupStats = { ...this.bucket, latency: summarise(this.bucketLatency) };
    addCounts(this.run, this.bucket);
    // hdr-histogram's add and reset walk the whole counts array, even for an empty histogram.
    if (stats.latency.count > 0) {
      this.runLatency.add(this.bucketLatency);
      this.bucketLatency.reset();
    }
    this.bucket = emptyCounts();
    this.active = false;
    this.named = 0;
    return stats;
  }

  total(): GroupStats {
    return { ...copyCounts(this.run), latency: summarise(this.runLatency) };
  }
}

/** A pod: counts, a cheap p99/max (PeakLatency) and its connections. */
class PodGroup {
  bucket = emptyCounts();
  readonly run = emptyCounts();
  readonly bucketLatency = new PeakLatency();
  readonly runLatency = new PeakLatency();
  /** Connections that reached this pod (a response named it) and are still open. */
  open = 0;
  bucketConnections = emptyConnections();
  readonly runConnections = emptyConnections();
  active = false;
  /** Responses in the interval that named this pod (protocol 1's byPod). */
  named = 0;

  /** `seen` is the run's PodTally for this pod, whose colour is the last one the pod named. */
  constructor(readonly seen: PodTally) {}

  close(): PodStats {
    const stats: PodStats = {
      ...this.bucket,
      latency: this.bucketLatency.summary(),
      color: this.seen.color,
      connections: { ...this.bucketConnections, open: this.open },
    };
    addCounts(this.run, this.bucket);
    this.runLatency.add(this.bucketLatency);
    this.bucketLatency.reset();
    const c = this.bucketConnections;
    this.runConnections.opened += c.opened;
    this.runConnections.closed += c.closed;
    this.runConnections.requests += c.requests;
    this.bucket = emptyCounts();
    this.bucketConnections = emptyConnections();
    this.active = false;
    this.named = 0;
    return stats;
  }

  total(): PodStats {
    return {
      ...copyCounts(this.run),
      latency: this.runLatency.summary(),
      color: this.seen.color,
      connections: { ...this.runConnections, open: this.open },
    };
  }
}

export class Tally {
  private bucket: Outcomes = emptyOutcomes();
  private bucketSkipped: SkipCounts = { backoff: 0, busy: 0 };
  /**
   * Every response's latency is recorded once, in its colour's or the front door's histogram: this is
   * their sum, for an interval with more than one of them (and for the run, once, at its end).
   */
  private readonly mergedHistogram: Histogram = createHistogram();
  private readonly runBars = new LatencyBars();
  readonly total: Outcomes = emptyOutcomes();
  readonly colors = new Map<string, ColorSeen>();
  readonly pods = new Map<string, PodTally>();
  private readonly colorFolder = new Folder(MAX_RUN_COLORS, this.colors);
  private readonly podFolder = new Folder(MAX_RUN_PODS, this.pods);
  /** Attribution (see docs/loadtester.md): keyed like `colors` and `pods` (folded past the caps). */
  private readonly colorGroups = new Map<string, Group>();
  private readonly podGroups = new Map<string, PodGroup>();
  private readonly frontDoor = new Group();
  private readonly unknown = new Group();
  private bucketStartMs = 0;
  private lastSolo: { color: string; endMs: number } | null = null;
  private pendingFrom: { color: string; endMs: number } | null = null;
  switchOver: SoloSwitch | null = null;
  /**
   * The latest response's colour and pod as named, with their keys and groups: a name's key and group
   * never change within a run (a name kept stays kept, one folded stays folded), so repeating names skip
   * the folders and the maps.
   */
  private lastColor: { name: string; key: string; group: Group } | null = null;
  private lastPod: { name: string; key: string; group: PodGroup } | null = null;

  sent(): void {
    this.bucket.sent++;
  }

  unsent(count: number): void {
    this.bucket.sent -= count;
  }

  /** Requests sent and not yet settled, across the run. */
  get inFlight(): number {
    return this.total.sent + this.bucket.sent - settled(this.total) - settled(this.bucket);
  }

  /** Distinct colours and pods counted under OTHER_BUCKET so far in the run. */
  get folded(): FoldCounts {
    return { colors: this.colorFolder.count, pods: this.podFolder.count };
  }

  /**
   * A response. `conn` (absent in direct tests) is the connection it came on: a response naming a pod
   * makes that the connection's pod, for its later failures and its connection counts.
   */
  response(
    status: number,
    name: string | null,
    podName: string | null,
    latencyMs: number,
    atMs: number,
    conn: ConnectionTrack | null = null,
  ): void {
    countResponse(this.bucket, status);
    const latencyUs = Math.max(1, Math.round(latencyMs * 1000));
    this.runBars.record(latencyMs);
    let color: string | null = null;
    let colorGroup: Group | null = null;
    if (name !== null) {
      // Responses mostly name the colour of the one before: then its key and group are known already.
      let last = this.lastColor;
      if (last === null || last.name !== name) {
        const key = this.colorFolder.key(name);
        this.lastColor = last = { name, key, group: this.colorGroup(key) };
      }
      color = last.key;
      colorGroup = last.group;
      colorGroup.named++;
      const seen = colorGroup.seen;
      if (seen) {
        seen.count++;
        seen.lastSeenMs = atMs;
      } else this.colors.set(color, (colorGroup.seen = { count: 1, firstSeenMs: atMs, lastSeenMs: atMs }));
    }
    let pod: string | null = null;
    let podGroup: PodGroup | null = null;
    if (podName !== null) {
      let last = this.lastPod;
      if (last === null || last.name !== podName) {
        const key = this.podFolder.key(podName);
        this.lastPod = last = { name: podName, key, group: this.podGroups.get(key) ?? this.newPodGroup(key) };
      }
      pod = last.key;
      podGroup = last.group;
      podGroup.named++;
      podGroup.seen.count++;
      if (color !== null) podGroup.seen.color = color;
      podGroup.bucket.sent++;
      countResponse(podGroup.bucket, status);
      podGroup.bucketLatency.record(latencyMs);
      podGroup.active = true;
    }
    if (colorGroup === null)
      colorGroup = podGroup === null ? this.frontDoor : this.colorGroup(podGroup.seen.color || UNNAMED_COLOR);
    colorGroup.record(status, latencyUs);
    if (conn === null) return;
    // A connection counts for a pod from its first response naming the pod until it closes; behind an
    // L7 proxy one connection reaches several pods and counts for each.
    if (pod !== null && conn.pod !== pod) {
      conn.pod = pod;
      if (!conn.pods.has(pod)) {
        conn.pods.add(pod);
        podGroup!.open++;
        podGroup!.bucketConnections.opened++;
      }
    }
    // Requests on a pod's connections: its own responses, and front-door answers on a connection it held.
    if (conn.pod !== null) (podGroup ?? this.podGroups.get(conn.pod)!).bucketConnections.requests++;
  }

  /**
   * A request that got no response: to the pod its connection last named (inferred), else to unknown.
   * The engine reports it before the connection's close (Recorder.failure), so a reset still finds its pod.
   */
  failure(kind: FailureKind, conn: ConnectionTrack | null = null): void {
    countFailure(this.bucket, kind);
    const pod = conn === null || conn.pod === null ? undefined : this.podGroups.get(conn.pod);
    if (pod === undefined) {
      this.unknown.fail(kind, false);
      return;
    }
    pod.bucket.sent++;
    countFailure(pod.bucket, kind);
    pod.bucket.inferred++;
    pod.bucketConnections.requests++;
    pod.active = true;
    this.colorGroup(pod.seen.color || UNNAMED_COLOR).fail(kind, true);
  }

  /** The connection's socket closed: it no longer counts as open to its pod, and its next socket starts afresh. */
  closed(conn: ConnectionTrack): void {
    if (conn.pod === null) return;
    for (const pod of conn.pods) this.connectionEnded(pod);
    conn.pods.clear();
    conn.pod = null;
  }

  /** Due requests never sent (counted by the engine): failed, and attributed to unknown (never on a connection). */
  skipped(counts: SkipCounts): void {
    const n = counts.backoff + counts.busy;
    if (n === 0) return;
    this.bucketSkipped.backoff += counts.backoff;
    this.bucketSkipped.busy += counts.busy;
    this.unknown.bucket.skipped += n;
    this.unknown.bucket.failed += n;
    this.unknown.active = true;
  }

  private connectionEnded(pod: string): void {
    const group = this.podGroups.get(pod);
    if (!group) return;
    group.open--;
    group.bucketConnections.closed++;
    group.active = true;
  }

  private colorGroup(key: string): Group {
    let group = this.colorGroups.get(key);
    if (!group) this.colorGroups.set(key, (group = new Group()));
    return group;
  }

  private newPodGroup(key: string): PodGroup {
    const seen: PodTally = { color: '', count: 0 };
    this.pods.set(key, seen);
    const group = new PodGroup(seen);
    this.podGroups.set(key, group);
    return group;
  }

  /** Closes the current bucket at `endMs` (since the run started) and opens the next. */
  flush(endMs: number): {
    bucket: Bucket;
    total: Outcomes;
    totalAttribution: Attribution;
    folded: FoldCounts;
  } {
    const timed = this.latencyGroups().filter(([, g]) => g.bucketLatency.totalCount > 0);
    if (timed.length > 1) {
      this.mergedHistogram.reset();
      for (const [, group] of timed) this.mergedHistogram.add(group.bucketLatency);
    }
    addOutcomes(this.total, this.bucket);
    const byColor = nameRecord<number>();
    for (const [name, group] of this.colorGroups) if (group.named > 0) byColor[name] = group.named;
    const byPod = nameRecord<PodTally>();
    for (const [name, group] of this.podGroups)
      if (group.named > 0) byPod[name] = { color: group.seen.color, count: group.named };
    this.trackSolo(byColor, endMs);
    const attribution = this.closeAttribution();
    // With one group timed (the usual case), the interval's latency is that group's, already summarised.
    const only = timed.length === 1 ? timed[0]![0] : null;
    const latency =
      timed.length === 0
        ? emptyLatency()
        : only === null
          ? summarise(this.mergedHistogram)
          : only === FRONT_DOOR
            ? attribution.frontDoor.latency
            : attribution.colors[only]!.latency;
    const bucket: Bucket = {
      ...this.bucket,
      byColor,
      byPod,
      latency,
      skipped: this.bucketSkipped,
      attribution,
    };
    this.bucket = emptyOutcomes();
    this.bucketSkipped = { backoff: 0, busy: 0 };
    this.bucketStartMs = endMs;
    return {
      bucket,
      total: structuredClone(this.total),
      totalAttribution: this.runAttribution(),
      folded: this.folded,
    };
  }

  /** The interval's attribution: colours and pods with anything counted in it (pods also while connections are open). */
  private closeAttribution(): Attribution {
    const colors = nameRecord<GroupStats>();
    for (const [name, group] of this.colorGroups) if (group.active) colors[name] = group.close();
    const pods = nameRecord<PodStats>();
    for (const [name, group] of this.podGroups)
      if (group.active || group.open > 0) pods[name] = group.close();
    return { colors, pods, frontDoor: this.frontDoor.close(), unknown: this.unknown.close() };
  }

  /** The run's attribution so far (closed intervals only), latency summarised over the run. */
  runAttribution(): Attribution {
    const colors = nameRecord<GroupStats>();
    for (const [name, group] of this.colorGroups) colors[name] = group.total();
    const pods = nameRecord<PodStats>();
    for (const [name, group] of this.podGroups) pods[name] = group.total();
    return { colors, pods, frontDoor: this.frontDoor.total(), unknown: this.unknown.total() };
  }

  /** The run's latency over every response (closed intervals only): the colours' and the front door's merged. */
  runLatency(): LatencySummary & { histogram: ReturnType<LatencyBars['buckets']> } {
    this.mergedHistogram.reset();
    for (const [, group] of this.latencyGroups())
      if (group.runLatency.totalCount > 0) this.mergedHistogram.add(group.runLatency);
    return { ...summarise(this.mergedHistogram), histogram: this.runBars.buckets() };
  }

  /** The groups whose histograms hold every response's latency once: the colours and the front door. */
  private latencyGroups(): [string | typeof FRONT_DOOR, Group][] {
    return [...this.colorGroups, [FRONT_DOOR, this.frontDoor]];
  }

  private trackSolo(byColor: Record<string, number>, endMs: number): void {
    const named = Object.keys(byColor);
    if (named.length !== 1) return;
    const solo = named[0]!;
    if (this.lastSolo && this.lastSolo.color !== solo) {
      this.pendingFrom = this.lastSolo;
      this.switchOver = {
        from: this.pendingFrom.color,
        to: solo,
        startMs: this.pendingFrom.endMs,
        endMs: this.bucketStartMs,
      };
    }
    this.lastSolo = { color: solo, endMs };
  }
}
