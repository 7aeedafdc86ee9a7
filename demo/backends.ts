/** One ready endpoint of the front door's Service: a pod's address. */
export interface Backend {
  pod: string;
  host: string;
  port: number;
  /** The pod's colour: the gateway's backend Service (app-<colour>) it belongs to. */
  color?: string;
}

/** How a proxy picks a ready backend, given the current endpoints (`exclude`: the one that just failed). */
export interface Picker {
  set(backends: readonly Backend[]): void;
  pick(exclude?: Backend): Backend | null;
}

/** Round-robin over the current endpoints (kube-proxy's IPVS default; iptables mode picks at random). */
export class RoundRobin implements Picker {
  private list: Backend[] = [];
  private next = 0;

  set(backends: readonly Backend[]): void {
    this.list = [...backends];
  }

  get size(): number {
    return this.list.length;
  }

  pick(exclude?: Backend): Backend | null {
    if (this.list.length === 0) return null;
    for (let tries = 0; tries < this.list.length; tries++) {
      const backend = this.list[this.next++ % this.list.length]!;
      if (backend !== exclude || this.list.length === 1) return backend;
    }
    return null;
  }
}
