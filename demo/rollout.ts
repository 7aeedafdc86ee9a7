/**
 * The rollout driver: moves the cluster from its current template to a new one with one of four
 * strategies. Each strategy works from whatever state the cluster is in, so a rollout started while
 * another runs (a rollback in the middle, say) supersedes it and carries on from there.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RolloutProgress } from '../protocol/events.js';
import type { Cluster, ClusterEvent, ReplicaSet, Template } from './cluster.js';
import { canarySteps, planRollingStep, type RollingParams } from './rollout-math.js';
import type { RouteWeights } from './route-weights.js';

export const STRATEGIES = ['rolling', 'recreate', 'blue-green', 'canary'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** What a Gateway's weights can do: a new colour's Service beside the old one, then weights moved. */
export const WEIGHTED_STRATEGIES = ['canary', 'blue-green'] as const satisfies readonly Strategy[];

/** A weighted canary's share for the new colour at each step, in percent (100/0 → 90/10 → 50/50 → 0/100). */
export const CANARY_WEIGHTS = [10, 50, 100] as const;

export function isStrategy(value: string): value is Strategy {
  return (STRATEGIES as readonly string[]).includes(value);
}

export interface RolloutConfig {
  rolling: RollingParams;
  /** Blue-green: how long the old pods stay up after the switch (Argo Rollouts' scaleDownDelaySeconds). */
  scaleDownDelayMs: number;
  /** Canary: pause after each step. */
  stepPauseMs: number;
  /**
   * The HTTPRoute's weights, when the front door is a Gateway: canary and blue-green then run the new colour
   * at full size beside the old one and move weights instead of replica counts or the Service selector.
   */
  route?: RouteWeights | null;
  /** App settings for the pods of every new template (`--rollout-env`). */
  env?: Record<string, string>;
}

export class RolloutDriver {
  private template: Template;
  private previous: Template | null = null;
  private lastStrategy: Strategy;
  private versions = 1;
  private rollouts = 0;
  private running: { abort: AbortController; done: Promise<void> } | null = null;

  constructor(
    private readonly cluster: Cluster,
    private readonly config: RolloutConfig,
    private readonly emit: (event: ClusterEvent) => void,
    initial: Template,
    defaultStrategy: Strategy,
  ) {
    this.template = initial;
    this.lastStrategy = defaultStrategy;
    cluster.limitPods(this.podLimit('rolling'));
  }

  /** The most pods a strategy runs at once: replicas plus its surge. */
  podLimit(strategy: Strategy): number {
    const { replicas, maxSurge } = this.config.rolling;
    const canarySurge = this.config.route ? replicas : 1;
    const surge = { rolling: maxSurge, recreate: 0, 'blue-green': replicas, canary: canarySurge }[strategy];
    return replicas + surge;
  }

  get current(): Template {
    return this.template;
  }

  get canRollBack(): boolean {
    return this.previous !== null;
  }

  get inProgress(): boolean {
    return this.running !== null;
  }

  /** Creates the first ReplicaSet and resolves once all its pods are ready. */
  async start(signal?: AbortSignal): Promise<void> {
    const rs = this.cluster.replicaSet(this.template);
    this.cluster.scale(rs, this.config.rolling.replicas);
    await this.cluster.waitFor(() => this.cluster.readyCount(rs) === this.config.rolling.replicas, signal);
  }

  /**
   * A new template with `color` (and the next version), rolled out with `strategy`. Throws at once for the
   * colour the pods run already when a gateway's weights move between colours.
   */
  rollout(strategy: Strategy, color: string): Promise<void> {
    // Thrown at once, so the page's control is refused with the reason.
    if (this.config.route && color === this.template.color) {
      throw new Error(`the gateway moves weights between colours: roll out to a colour other than ${color}`);
    }
    const target = { color, version: `v${++this.versions}`, env: this.config.env };
    return this.begin(strategy, target, `${strategy} rollout to ${color} (${target.version})`);
  }

  /** Back to the template before the current one, with the strategy of the last rollout (`kubectl rollout undo`). */
  rollback(): Promise<void> {
    if (this.previous === null) return Promise.reject(new Error('nothing to roll back to'));
    const target = this.previous;
    return this.begin(this.lastStrategy, target, `rollback to ${target.color} (${target.version})`);
  }

  /** Interrupts a running rollout (demo shutdown). */
  async stop(reason: Error = new Error('interrupted: the demo is stopping')): Promise<void> {
    const running = this.running;
    if (running === null) return;
    running.abort.abort(reason);
    await running.done;
  }

  private begin(strategy: Strategy, target: Template, description: string): Promise<void> {
    // Synchronous, so two quick clicks cannot run two rollouts: the old one stops at its next wait (its
    // waits reject on abort) and reports itself superseded.
    this.running?.abort.abort(new Error('superseded by a newer rollout'));
    this.previous = this.template;
    this.template = target;
    this.lastStrategy = strategy;
    this.cluster.limitPods(this.podLimit(strategy));
    const abort = new AbortController();
    const progress = this.watchProgress(strategy, target);
    this.emit({
      kind: 'rollout-started',
      color: target.color,
      message: description,
      rollout: progress.now(),
    });
    const done = this.run(strategy, abort.signal).then(
      () =>
        this.emit({
          kind: 'rollout-finished',
          color: target.color,
          message: `${description}: complete`,
          rollout: progress.end('complete'),
        }),
      (error: unknown) => {
        const cause: unknown = abort.signal.aborted ? abort.signal.reason : error;
        const why = cause instanceof Error ? cause.message : String(cause);
        this.emit({
          kind: 'rollout-finished',
          color: target.color,
          message: `${description}: ${why}`,
          rollout: progress.end('stopped'),
        });
      },
    );
    const running = {
      abort,
      done: done.finally(() => (this.running = this.running === running ? null : this.running)),
    };
    this.running = running;
    return running.done;
  }

  /** The counts a rollout's status shows, sent as rollout-progress whenever one changes, until end(). */
  private watchProgress(
    strategy: Strategy,
    target: Template,
  ): { now: () => RolloutProgress; end: (result: RolloutProgress['result']) => RolloutProgress } {
    const { cluster } = this;
    const rs = cluster.replicaSet(target);
    const fixed = {
      id: ++this.rollouts,
      strategy,
      color: target.color,
      version: target.version,
      startedAt: Date.now(),
      desired: this.config.rolling.replicas,
    };
    const all = (): ReplicaSet[] => [...cluster.replicaSets.values()];
    const now = (): RolloutProgress => ({
      ...fixed,
      // As the Deployment's status counts them: pods of the new template, ready and available pods of any.
      updated: cluster.activePods(rs).length,
      ready: all().reduce((n, r) => n + cluster.readyCount(r), 0),
      available: all().reduce((n, r) => n + cluster.available(r), 0),
      newReady: cluster.readyCount(rs),
      oldRemaining: [...cluster.replicaSets.values()]
        .filter((old) => old !== rs)
        .reduce((n, old) => n + cluster.livePods(old).length, 0),
      endpoints: cluster.endpoints,
    });
    const key = (p: RolloutProgress): string => `${p.newReady}/${p.oldRemaining}/${p.endpoints}`;
    const stop = new AbortController();
    const watch = async (): Promise<void> => {
      for (let last = key(now()); ;) {
        await cluster.waitFor(() => key(now()) !== last, stop.signal);
        const p = now();
        last = key(p);
        const message = `new ${p.newReady}/${p.desired} ready, old ${p.oldRemaining} left, endpoints ${p.endpoints}`;
        this.emit({ kind: 'rollout-progress', color: target.color, message, rollout: p });
      }
    };
    watch().catch(() => undefined);
    return {
      now,
      end: (result) => {
        stop.abort();
        return { ...now(), result };
      },
    };
  }

  private run(strategy: Strategy, signal: AbortSignal): Promise<void> {
    const target = this.cluster.replicaSet(this.template);
    const olds = [...this.cluster.replicaSets.values()]
      .filter((rs) => rs !== target)
      .sort((a, b) => a.createdAt - b.createdAt);
    if (this.config.route) {
      if (strategy === 'canary') return this.weightedCanary(this.config.route, target, olds, signal);
      if (strategy === 'blue-green') return this.weightedBlueGreen(this.config.route, target, olds, signal);
      return Promise.reject(new Error(`the gateway runs ${WEIGHTED_STRATEGIES.join(' and ')} only`));
    }
    switch (strategy) {
      case 'rolling':
        return this.rolling(target, olds, signal);
      case 'recreate':
        return this.recreate(target, olds, signal);
      case 'blue-green':
        return this.blueGreen(target, olds, signal);
      case 'canary':
        return this.canary(target, olds, signal);
    }
  }

  private step(target: ReplicaSet, message: string): void {
    this.emit({ kind: 'rollout-step', color: target.color, message });
  }

  private async rolling(target: ReplicaSet, olds: ReplicaSet[], signal: AbortSignal): Promise<void> {
    const { cluster } = this;
    const params = this.config.rolling;
    cluster.select(null);
    const counts = (rs: ReplicaSet) => ({ spec: rs.spec, available: cluster.available(rs) });
    const oldTotal = (): number => olds.reduce((n, rs) => n + rs.spec, 0);
    for (;;) {
      const plan = planRollingStep(params, counts(target), olds.map(counts));
      const changes = plan.newSpec !== target.spec || plan.oldSpecs.some((spec, i) => spec !== olds[i]!.spec);
      if (changes) {
        // The controller re-plans after each scaling, as it would on the ReplicaSet update it caused.
        cluster.scale(target, plan.newSpec);
        olds.forEach((rs, i) => cluster.scale(rs, plan.oldSpecs[i]!));
        this.step(
          target,
          `new ${target.spec}, old ${oldTotal()} (${cluster.available(target)} new available)`,
        );
        continue;
      }
      if (oldTotal() === 0 && cluster.available(target) === params.replicas) return;
      // Wait for anything that changes the plan: availability, a pod gone, a pod replaced.
      const key = () =>
        [target, ...olds]
          .map((rs) => `${rs.spec}:${cluster.available(rs)}:${cluster.activePods(rs).length}`)
          .join();
      const seen = key();
      await cluster.waitFor(() => key() !== seen, signal);
    }
  }

  private async recreate(target: ReplicaSet, olds: ReplicaSet[], signal: AbortSignal): Promise<void> {
    const { cluster } = this;
    cluster.select(null);
    for (const rs of olds) cluster.scale(rs, 0);
    this.step(target, 'old pods scaled to 0');
    await cluster.waitFor(() => olds.every((rs) => cluster.livePods(rs).length === 0), signal);
    this.step(target, `old pods gone; starting ${this.config.rolling.replicas} new`);
    cluster.scale(target, this.config.rolling.replicas);
    await cluster.waitFor(() => cluster.available(target) === this.config.rolling.replicas, signal);
  }

  private async blueGreen(target: ReplicaSet, olds: ReplicaSet[], signal: AbortSignal): Promise<void> {
    const { cluster } = this;
    const { replicas } = this.config.rolling;
    if (cluster.selected() === null) cluster.select(olds.filter((rs) => rs.spec > 0));
    cluster.scale(target, replicas);
    this.step(target, `preview: ${replicas} new pods alongside, no traffic yet`);
    await cluster.waitFor(() => cluster.available(target) === replicas, signal);
    cluster.select([target]);
    this.step(target, `Service switched to ${target.color}`);
    await sleep(this.config.scaleDownDelayMs, undefined, { signal });
    for (const rs of olds) cluster.scale(rs, 0);
    this.step(target, `old pods scaled down after ${this.config.scaleDownDelayMs / 1000}s`);
  }

  private async canary(target: ReplicaSet, olds: ReplicaSet[], signal: AbortSignal): Promise<void> {
    const { cluster } = this;
    const { replicas } = this.config.rolling;
    cluster.select(null);
    const steps = canarySteps(replicas, Math.min(target.spec, cluster.available(target)));
    for (const [i, step] of steps.entries()) {
      cluster.scale(target, step.canary);
      await cluster.waitFor(() => cluster.available(target) >= step.canary, signal);
      let surplus = olds.reduce((n, rs) => n + rs.spec, 0) - step.stable;
      for (const rs of olds) {
        const down = Math.min(rs.spec, Math.max(0, surplus));
        cluster.scale(rs, rs.spec - down);
        surplus -= down;
      }
      const share = Math.round((100 * step.canary) / replicas);
      this.step(target, `canary ${step.canary}/${replicas} pods (${share}%)`);
      if (i < steps.length - 1) await sleep(this.config.stepPauseMs, undefined, { signal });
    }
  }

  /** The new colour at full size beside the old, in the route with weight 0 (reachable by preview only). */
  private async weightedPreview(route: RouteWeights, target: ReplicaSet, signal: AbortSignal): Promise<void> {
    const { cluster } = this;
    const { replicas } = this.config.rolling;
    cluster.select(null);
    route.replace({ ...route.get(), [target.color]: route.get()[target.color] ?? 0 });
    cluster.scale(target, replicas);
    this.step(target, `${replicas} ${target.color} pods alongside, weight ${route.get()[target.color]}`);
    await cluster.waitFor(() => cluster.available(target) === replicas, signal);
  }

  /**
   * `share` percent to the new colour, the rest to the other colours in proportion to their weights now
   * (one old colour, usually; several after a superseded rollout).
   */
  private shift(route: RouteWeights, target: ReplicaSet, share: number): void {
    const others = Object.entries(route.get()).filter(([color]) => color !== target.color);
    const otherTotal = others.reduce((n, [, w]) => n + w, 0);
    // In the route's order (old colours first, the new one last), as the page's slider reads it.
    const weights: Record<string, number> = {};
    for (const [color, w] of others) {
      const part = otherTotal > 0 ? w / otherTotal : 1 / others.length;
      weights[color] = Math.round((100 - share) * part);
    }
    weights[target.color] = share;
    route.replace(weights);
    const shown = Object.entries(weights)
      .map(([color, w]) => `${color} ${w}`)
      .join(' / ');
    this.step(target, `weights ${shown}`);
  }

  /** After the switch: old pods stay while the Gateway catches up, then go, and so do their Services. */
  private async retire(
    route: RouteWeights,
    target: ReplicaSet,
    olds: ReplicaSet[],
    signal: AbortSignal,
  ): Promise<void> {
    await sleep(this.config.scaleDownDelayMs, undefined, { signal });
    for (const rs of olds) this.cluster.scale(rs, 0);
    // The only backend left takes every request (whatever the page set its weight to meanwhile).
    route.replace({ [target.color]: 100 });
    this.step(target, `old pods scaled down after ${this.config.scaleDownDelayMs / 1000}s`);
  }

  private async weightedCanary(
    route: RouteWeights,
    target: ReplicaSet,
    olds: ReplicaSet[],
    signal: AbortSignal,
  ): Promise<void> {
    await this.weightedPreview(route, target, signal);
    for (const [i, share] of CANARY_WEIGHTS.entries()) {
      this.shift(route, target, share);
      if (i < CANARY_WEIGHTS.length - 1) await sleep(this.config.stepPauseMs, undefined, { signal });
    }
    await this.retire(route, target, olds, signal);
  }

  private async weightedBlueGreen(
    route: RouteWeights,
    target: ReplicaSet,
    olds: ReplicaSet[],
    signal: AbortSignal,
  ): Promise<void> {
    await this.weightedPreview(route, target, signal);
    this.shift(route, target, 100);
    await this.retire(route, target, olds, signal);
  }
}
