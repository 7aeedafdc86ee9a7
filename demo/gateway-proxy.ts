/**
 * The local Gateway: the Ingress's L7 proxy (a pick per request, kept-alive client connections, pooled
 * upstream connections) with a Gateway API HTTPRoute's weighted backendRefs in front of the pods. Because
 * the split is per request, a client's kept-alive connection does not pin it to one colour.
 */
import { IngressProxy, type IngressProxyOptions } from './ingress-proxy.js';
import { WeightedBackends } from './weighted-backends.js';

export class GatewayProxy extends IngressProxy {
  private readonly route: WeightedBackends;

  constructor(options: Omit<IngressProxyOptions, 'backends'> = {}) {
    const route = new WeightedBackends();
    super({ ...options, backends: route });
    this.route = route;
  }

  /** The route's weights by colour, as the Gateway knows them (the caller applies the propagation delay). */
  setWeights(weights: Readonly<Record<string, number>>): void {
    this.route.setWeights(weights);
  }
}
