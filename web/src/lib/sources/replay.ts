/**
 * The page's third source: a saved run (a report with its timeline, protocol/timeline.ts) played into the same
 * stores as the live stream, so every view shows it as it showed the run. Where the report comes from: embedded
 * in a self-contained HTML report (loadtester/report/html-report.ts), `?report=URL` (a file served beside the page),
 * or a file dropped on the page. `seek(n)` shows the run as it stood after its first n ticks.
 */
import type { EventMessage } from '$protocol/events.js';
import type { Incident, Report } from '$protocol/report.js';
import type { RunSettings, TickMessage } from '$protocol/run.js';
import { PROTOCOL_VERSION, type ControlMessage, type ServerMessage } from '$protocol/stream.js';
import { replayTicks } from '$protocol/timeline.js';
// The loadtester's own finder, pure: a replay finds the incidents again as the live stream sent them then.
import { IncidentFinder } from '../../../../loadtester/count/incidents.js';
import type { DataSource, SourceSink } from './source.js';
import { ENGLISH, type MessageKey } from '../i18n/index.js';
import type { Params } from '../i18n/translate.js';

/** A run ready to replay: the stream's ticks again (running totals summed), its events and its report. */
export interface Replay {
  report: Report;
  settings: RunSettings;
  ticks: TickMessage[];
  events: EventMessage[];
  /** Said on the page when older ticks were merged (the report's timeline.coarsened.note). */
  coarsened: string | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Why a report cannot be replayed: its message in English, its key for the page's language. */
export class ReplayError extends Error {
  constructor(
    readonly key: MessageKey,
    readonly params: Params = {},
  ) {
    super(ENGLISH.t(key, params));
  }
}

/** A report as JSON text (or parsed) → a Replay; throws a ReplayError saying what is wrong with it. */
export function toReplay(value: unknown): Replay {
  if (!isObject(value) || typeof value.target !== 'string' || typeof value.sent !== 'number') {
    throw new ReplayError('replay.not-report');
  }
  const timeline = value.timeline;
  if (!isObject(timeline) || !Array.isArray(timeline.ticks) || !isObject(timeline.settings)) {
    throw new ReplayError('replay.no-timeline');
  }
  const report = value as unknown as Report;
  const t = report.timeline!;
  // A replay controls nothing: the page must offer no start, stop or rollout.
  const settings: RunSettings = {
    ...t.settings,
    running: false,
    controls: {
      ...t.settings.controls,
      allowed: false,
      tokenRequired: false,
      rollout: false,
      strategies: [],
    },
  };
  return {
    report,
    settings,
    ticks: replayTicks(t.ticks),
    events: Array.isArray(report.events) ? report.events : [],
    coarsened: t.coarsened?.note ?? null,
  };
}

export function parseReplay(text: string): Replay {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ReplayError('replay.not-json');
  }
  return toReplay(value);
}

/**
 * `?report=URL`, relative to the page; null when the page has none. Only a report beside the page (its own
 * origin) is shown: the app's page may connect anywhere (its browser mode sends to other origins), so a link
 * naming another site's "report" would show a forged run under this page's origin.
 */
export function reportUrl(pageHref: string): string | null {
  const page = new URL(pageHref);
  const given = page.searchParams.get('report');
  if (!given) return null;
  const url = new URL(given, page);
  if (url.origin !== page.origin) throw new ReplayError('replay.other-origin', { url: url.href });
  return url.href;
}

export class ReplaySource implements DataSource {
  readonly kind = 'replay';
  private sink: SourceSink | null = null;
  private shown = 0;

  constructor(readonly replay: Replay) {}

  get length(): number {
    return this.replay.ticks.length;
  }

  /** How many ticks are shown. */
  get position(): number {
    return this.shown;
  }

  start(sink: SourceSink): void {
    this.sink = sink;
    sink.connection({ status: 'replay', detail: this.replay.report.startedAt });
    this.seek(this.length);
  }

  stop(): void {
    this.sink = null;
  }

  send(_control: ControlMessage): boolean {
    return false;
  }

  /**
   * The run as it stood after its first `position` ticks: a hello with those ticks and the events up to the
   * last of them as its history (which resets every store), then at the end the last responses and the report.
   */
  seek(position: number): void {
    const sink = this.sink;
    if (!sink) return;
    const n = Math.max(0, Math.min(this.length, Math.round(position)));
    this.shown = n;
    const ticks = this.replay.ticks.slice(0, n);
    const atEnd = n === this.length;
    const until = atEnd ? Infinity : (ticks[ticks.length - 1]?.t ?? this.firstTickStart());
    const events = this.replay.events.filter((e) => e.t <= until);
    const hello: ServerMessage = {
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      settings: { ...this.replay.settings, running: !atEnd },
      history: { ticks, events },
    };
    sink.message(hello);
    if (atEnd) {
      const samples = this.replay.report.timeline?.samples ?? [];
      if (samples.length > 0) sink.message({ type: 'sample', samples });
      // The summary's report carries the final incidents.
      sink.message({ type: 'summary', report: this.replay.report, final: true });
    } else {
      sink.message({ type: 'incidents', incidents: incidentsAsOf(ticks, events) });
    }
  }

  /** Before the first tick: the events up to the start of its interval (the pods that were there). */
  private firstTickStart(): number {
    const first = this.replay.ticks[0];
    return first ? first.t - first.intervalMs : Infinity;
  }
}

/**
 * The incidents as the live page listed them after these ticks: found again from the ticks and events up
 * to then, so an incident going on counts only its failures so far and its cause rests on nothing later
 * (the report's own list was made at the end, from the whole run).
 */
function incidentsAsOf(ticks: readonly TickMessage[], events: readonly EventMessage[]): Incident[] {
  const finder = new IncidentFinder();
  // An event before a tick ending at the same moment, as the stream sent them.
  const merged: (TickMessage | EventMessage)[] = [...events, ...ticks].sort((a, b) => a.t - b.t);
  for (const m of merged) {
    if (m.type === 'tick') {
      finder.tick(m);
      continue;
    }
    if (m.kind === 'run-started') finder.newRun();
    finder.event(m);
  }
  return finder.incidents();
}
