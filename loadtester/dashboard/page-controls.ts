/**
 * The page's side of a load session, as the hub's owner: the settings a page is shown, and what its controls
 * do. The asked rate and connection recycling are kept here, and only here: the session's runs read them,
 * the page's controls change them (capped by --max-rate), the settings are derived from them.
 */
import type { RunSettings } from '../../protocol/run.js';
import type { ControlMessage } from '../../protocol/stream.js';
import type { LoadOptions } from '../options.js';
import { ControlAccess } from './control-access.js';
import type { Recycle } from '../run/engine/engine.js';
import type { HubOwner } from './hub.js';
import type { LoadRun } from '../run/run.js';
import { shownTarget } from '../run/target.js';

/** What the page is told about the session besides its options (SessionOptions takes these too). */
export interface PageSetup {
  mode: RunSettings['mode'];
  /** How the target picks pods, when the session knows (the demo's --via); a plain load run does not. */
  frontDoor?: RunSettings['frontDoor'];
  /**
   * The demo's rollout controls: offered on the page, and the handler for the controls the session does not
   * handle itself (rollout, rollback, set-weights). Throwing rejects the control with the error's message.
   */
  rollout?: {
    strategies: readonly string[];
    control(message: ControlMessage): Promise<void> | void;
  };
  /** The gateway's configured weights (the demo's --via gateway), read each time settings are sent. */
  weights?: () => Record<string, number>;
}

/** The session's runs, as the controls see them. */
export interface ControlledRuns {
  /** The current run (the first, or the latest restarted from the page); null before the first. */
  current(): LoadRun | null;
  /** No new run once the session is finishing. */
  ending(): boolean;
  startRun(): void;
  /** Tells the page the settings changed. */
  settingsChanged(): void;
}

export class PageControls implements HubOwner {
  private askedRate: number | null;
  private recycling: Recycle;
  private readonly access: ControlAccess;

  /** `err`: where wrong control tokens are said. */
  constructor(
    private readonly options: LoadOptions,
    private readonly setup: PageSetup,
    private readonly runs: ControlledRuns,
    err: NodeJS.WritableStream,
  ) {
    this.access = new ControlAccess(options, err);
    this.askedRate = options.rate;
    this.recycling = options.recycle;
  }

  /** The asked rate (null = as fast as the connections allow). */
  get rate(): number | null {
    return this.askedRate;
  }

  get recycle(): Recycle {
    return this.recycling;
  }

  /** What the page is told about the run, derived from the options and the session's state. */
  settings(): RunSettings {
    const o = this.options;
    const rollout = this.setup.rollout;
    const run = this.runs.current();
    return {
      mode: this.setup.mode,
      target: shownTarget(o.url),
      rate: this.askedRate,
      connections: o.connections,
      durationMs: o.durationMs,
      requests: o.requests,
      intervalMs: o.intervalMs,
      timeoutMs: o.timeoutMs,
      keepAlive: o.keepAlive,
      recycle: this.recycling,
      frontDoor: this.setup.frontDoor ?? null,
      ...(this.setup.weights ? { weights: this.setup.weights() } : {}),
      startedAt: run?.startedAt ?? null,
      running: run?.running ?? false,
      controls: {
        allowed: o.allowControl,
        tokenRequired: o.controlToken !== null,
        maxRate: o.maxRate,
        rollout: rollout !== undefined,
        strategies: rollout ? [...rollout.strategies] : [],
      },
    };
  }

  /** A control from the page (`from`: the client's address); what it throws goes back to the page as the reason. */
  async control(message: ControlMessage, from: string): Promise<void> {
    this.access.check(message, from);
    const run = this.runs.current();
    if (message.action === 'rollout' || message.action === 'rollback' || message.action === 'set-weights') {
      const rollout = this.setup.rollout;
      if (!rollout)
        throw new Error(`${message.action} is not available here: only the demo drives rollouts and weights`);
      if (!run) throw new Error(`no run yet: start the run before a ${message.action}`);
      return rollout.control(message);
    }
    if (!run) throw new Error('no run to control');
    if (message.action === 'set-rate') {
      this.askedRate = Math.min(message.rate, this.options.maxRate);
      if (run.running) run.rateChanged();
      this.runs.settingsChanged();
    } else if (message.action === 'set-recycle') {
      this.setRecycle(run, message.afterRequests);
    } else if (message.action === 'stop') {
      if (!run.running) throw new Error('no run is running');
      await run.stop();
    } else {
      if (run.running) throw new Error('a run is already running');
      if (this.runs.ending()) throw new Error('the session is ending');
      // The page never starts a run beyond --max-rate: a command line's higher rate (or `max`) was for
      // the command line's own run.
      if (this.askedRate === null || this.askedRate > this.options.maxRate)
        this.askedRate = this.options.maxRate;
      this.runs.startRun();
    }
  }

  /** Recycling after N requests from the page, keeping any age limit from the flags; applies to the running run. */
  private setRecycle(run: LoadRun, afterRequests: number | null): void {
    if (!this.options.keepAlive)
      throw new Error('keep-alive is off: every request has a connection of its own');
    const afterMs = this.recycling?.afterMs ?? null;
    const previous = this.recycling;
    this.recycling = afterRequests === null && afterMs === null ? null : { afterRequests, afterMs };
    try {
      if (run.running) run.recycleChanged();
    } catch (error) {
      this.recycling = previous;
      throw error;
    }
    this.runs.settingsChanged();
  }
}
