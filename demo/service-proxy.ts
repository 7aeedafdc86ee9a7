/**
 * The local Service: an L4 TCP proxy that picks a ready backend once per connection, as kube-proxy does.
 * A keep-alive connection therefore stays on the pod it was opened to until that pod closes it, which is
 * exactly what makes rollouts behind a Service surprising.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { RoundRobin, type Backend } from './backends.js';

export class ServiceProxy {
  private readonly backends = new RoundRobin();
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;

  constructor() {
    this.server = createServer((client) => this.accept(client));
  }

  /** Resolves with the port actually bound (0 = any free port). */
  async listen(port: number, host: string): Promise<number> {
    this.server.listen(port, host);
    await once(this.server, 'listening');
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('service proxy: no TCP address');
    return address.port;
  }

  /** The endpoints as this proxy knows them (the caller applies the propagation delay). */
  setBackends(backends: readonly Backend[]): void {
    this.backends.set(backends);
  }

  /** Stops listening and cuts every open connection. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (this.server.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private accept(client: Socket): void {
    this.track(client);
    const backend = this.backends.pick();
    if (backend === null) {
      // No endpoints: kube-proxy rejects the connection. After accept(), a reset is the closest we can do.
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection({ host: backend.host, port: backend.port });
    this.track(upstream);
    upstream.setNoDelay(true);
    client.setNoDelay(true);
    // A reset on one side is passed on as a reset, so the client sees what a dead pod would show it.
    upstream.on('error', () => {
      if (!client.destroyed) client.resetAndDestroy();
    });
    client.on('error', () => {
      if (!upstream.destroyed) upstream.resetAndDestroy();
    });
    upstream.on('close', () => client.destroySoon());
    client.on('close', () => upstream.destroySoon());
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
