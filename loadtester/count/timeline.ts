/**
 * Keeps a run's ticks, its last samples and the session's events for the report (protocol/timeline.ts), in
 * bounded memory: past a byte budget for the ticks' JSON, the older half of the kept ticks is merged pairwise,
 * so the run's start grows coarser (2, 4, 8… intervals per tick) while its latest minutes keep every interval.
 * No I/O and no clock.
 */
import type { EventMessage } from '../../protocol/events.js';
import type { RunSettings, Sample, TickMessage } from '../../protocol/run.js';
import {
  LATENCY_MERGE_NOTE,
  mergeTicks,
  timelineTick,
  type RunTimeline,
  type TimelineTick,
} from '../../protocol/timeline.js';

/**
 * The ticks' budget. A 10-minute run with 8 pods at one tick per second takes about 2.8 MB (every tick
 * carries each pod's and colour's counts and latency), so such a run is kept whole; an hour is merged.
 */
export const TIMELINE_BUDGET_BYTES = 4 * 1024 * 1024;
export const TIMELINE_SAMPLES = 200;
export const REPORT_EVENTS = 2000;

const size = (tick: TimelineTick): number => JSON.stringify(tick).length;

export class TimelineRecorder {
  private ticks: TimelineTick[] = [];
  private sizes: number[] = [];
  /** How many of the stream's ticks each kept tick stands for. */
  private spans: number[] = [];
  private bytes = 0;
  private samples: Sample[] = [];

  constructor(private readonly budgetBytes = TIMELINE_BUDGET_BYTES) {}

  tick(tick: TickMessage, samples: readonly Sample[] = []): void {
    const kept = timelineTick(tick);
    const bytes = size(kept);
    this.ticks.push(kept);
    this.sizes.push(bytes);
    this.spans.push(1);
    this.bytes += bytes;
    while (this.bytes > this.budgetBytes && this.ticks.length > 1) this.coarsen();
    if (samples.length > 0) {
      this.samples.push(...samples);
      if (this.samples.length > TIMELINE_SAMPLES)
        this.samples.splice(0, this.samples.length - TIMELINE_SAMPLES);
    }
  }

  /** Merges the older half of the kept ticks pairwise (a lone last one of that half stays as it is). */
  private coarsen(): void {
    const half = Math.max(2, Math.floor(this.ticks.length / 2));
    const ticks: TimelineTick[] = [];
    const sizes: number[] = [];
    const spans: number[] = [];
    let i = 0;
    for (; i + 1 < half; i += 2) {
      const merged = mergeTicks(this.ticks[i]!, this.ticks[i + 1]!);
      ticks.push(merged);
      sizes.push(size(merged));
      spans.push(this.spans[i]! + this.spans[i + 1]!);
    }
    ticks.push(...this.ticks.slice(i));
    sizes.push(...this.sizes.slice(i));
    spans.push(...this.spans.slice(i));
    this.ticks = ticks;
    this.sizes = sizes;
    this.spans = spans;
    this.bytes = sizes.reduce((a, b) => a + b, 0);
  }

  timeline(settings: RunSettings, droppedEvents = 0): RunTimeline {
    const merged = this.spans.filter((n) => n > 1);
    const mergedTicks = merged.reduce((a, b) => a + b, 0);
    return {
      settings,
      ticks: [...this.ticks],
      samples: [...this.samples],
      coarsened:
        merged.length === 0
          ? null
          : {
              budgetBytes: this.budgetBytes,
              mergedTicks,
              widestMs: Math.max(...this.ticks.filter((_, i) => this.spans[i]! > 1).map((t) => t.intervalMs)),
              note: `the run's first ${mergedTicks} ticks were merged into ${merged.length} to keep the timeline within ${Math.round(this.budgetBytes / 1024)} KiB; ${LATENCY_MERGE_NOTE}`,
            },
      droppedEvents,
    };
  }
}

/** The session's lifecycle events, the latest REPORT_EVENTS of them. */
export class EventLog {
  readonly events: EventMessage[] = [];
  dropped = 0;

  constructor(private readonly max = REPORT_EVENTS) {}

  add(event: EventMessage): void {
    this.events.push(event);
    if (this.events.length > this.max) {
      this.events.shift();
      this.dropped++;
    }
  }
}
