/**
 * The demo's HTTPRoute weights (with --via gateway): what the route says, by colour, owned here. The rollout
 * driver and the page change them; the Gateway hears of each change after the propagation delay, and the
 * dashboard's settings show them at once.
 */
export type Weights = Record<string, number>;

export class RouteWeights {
  private weights: Weights;

  constructor(
    initial: Weights,
    private readonly changed: (weights: Weights) => void,
  ) {
    this.weights = { ...initial };
  }

  get(): Weights {
    return { ...this.weights };
  }

  colors(): string[] {
    return Object.keys(this.weights);
  }

  /** Replaces the weights of the colours named; others keep theirs. Throws for a colour the route has not. */
  update(weights: Readonly<Weights>): void {
    const unknown = Object.keys(weights).filter((c) => !(c in this.weights));
    if (unknown.length > 0) {
      throw new Error(
        `the route has no backend ${unknown.join(', ')}: its backends are ${this.colors().join(', ')}`,
      );
    }
    const next = { ...this.weights, ...weights };
    if (Object.values(next).every((w) => w === 0)) throw new Error('the weights would sum to 0');
    this.replace(next);
  }

  /** The whole route at once (the driver adds a colour's Service with weight 0, or drops one). */
  replace(weights: Readonly<Weights>): void {
    const next = { ...weights };
    if (JSON.stringify(next) === JSON.stringify(this.weights)) return;
    this.weights = next;
    this.changed(this.get());
  }
}
