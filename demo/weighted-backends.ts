/**
 * A Gateway API HTTPRoute rule's backendRefs: one backend Service per colour (app-blue, app-green, …), each
 * with a weight. Every request picks a Service by weight, then a ready pod of it round-robin. The pick is
 * nginx's smooth weighted round-robin, so 90/10 gives exactly one request in ten to the second Service, spread
 * out rather than in bursts (Envoy picks at random by weight, which gives the same share on average).
 */
import { RoundRobin, type Backend, type Picker } from './backends.js';

interface Weighted {
  weight: number;
  /** Smooth weighted round-robin's running score. */
  current: number;
  pods: RoundRobin;
}

export class WeightedBackends implements Picker {
  private readonly services = new Map<string, Weighted>();
  private endpoints: readonly Backend[] = [];

  /** The route's weights by colour; a colour left out gets no requests. */
  setWeights(weights: Readonly<Record<string, number>>): void {
    for (const color of this.services.keys()) if (!(color in weights)) this.services.delete(color);
    for (const [color, weight] of Object.entries(weights)) {
      const service = this.services.get(color);
      if (service) service.weight = weight;
      else this.services.set(color, { weight, current: 0, pods: new RoundRobin() });
    }
    for (const service of this.services.values()) service.current = 0;
    this.set(this.endpoints);
  }

  /** The ready endpoints, each into its colour's Service. */
  set(backends: readonly Backend[]): void {
    this.endpoints = [...backends];
    for (const [color, service] of this.services) {
      service.pods.set(backends.filter((b) => b.color === color));
    }
  }

  /**
   * A pod of the Service the weights pick; null when they sum to 0 or that Service has no ready pod (a
   * Gateway answers that request with an error, as it does for a backend without endpoints).
   */
  pick(exclude?: Backend): Backend | null {
    let total = 0;
    let best: Weighted | null = null;
    for (const service of this.services.values()) {
      if (service.weight <= 0) continue;
      service.current += service.weight;
      total += service.weight;
      if (best === null || service.current > best.current) best = service;
    }
    if (best === null) return null;
    best.current -= total;
    return best.pods.pick(exclude);
  }
}
