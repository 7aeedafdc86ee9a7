/**
 * How late the front door learns about endpoint changes. In Kubernetes, deleting a pod removes it from
 * the EndpointSlice and sends it SIGTERM at the same moment; kube-proxy and ingress controllers apply the
 * change later (typically around a second, more under load). Until then they keep sending new
 * connections and requests to a pod that is already shutting down. Additions travel the same path.
 */
export class DelayedView<T> {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly delayMs: number,
    private readonly apply: (value: T) => void,
  ) {}

  /** Applies `value` after the delay. Equal delays keep updates in order. */
  set(value: T): void {
    if (this.delayMs <= 0) return this.apply(value);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.apply(value);
    }, this.delayMs);
    this.timers.add(timer);
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
