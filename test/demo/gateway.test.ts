/**
 * The local Gateway beside the local Service, on the claim the docs make: with kept-alive connections a
 * 90/10 HTTPRoute weight gives green 10 % of the requests, while the same step as replica counts behind an
 * L4 Service gives green whatever share of the connections happened to be (re)opened onto its pod.
 * Real HTTP servers and real proxies on 127.0.0.1; the client is Node's http Agent with 10 kept-alive sockets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Agent, createServer, request, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Backend } from '../../demo/backends.js';
import { GatewayProxy } from '../../demo/gateway-proxy.js';
import { ServiceProxy } from '../../demo/service-proxy.js';
import { WeightedBackends } from '../../demo/weighted-backends.js';

const host = '127.0.0.1';
const CONNECTIONS = 10;
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

/** An app pod: answers with its colour and name in the identity headers. */
async function pod(name: string, color: string): Promise<Backend> {
  const server: Server = createServer((req, res) => {
    req.resume();
    res.setHeader('color', color);
    res.setHeader('x-pod-name', name);
    res.end(name);
  });
  server.listen(0, host);
  await once(server, 'listening');
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return { pod: name, host, port: (server.address() as AddressInfo).port, color };
}

async function pods(color: string, n: number): Promise<Backend[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => pod(`${color}-${i}`, color)));
}

function keptAlive(): Agent {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  closers.push(async () => agent.destroy());
  return agent;
}

function get(port: number, agent: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.headers['color'])));
    });
    req.on('error', reject);
    req.end();
  });
}

/** `total` requests, `CONNECTIONS` at a time over the agent's kept-alive sockets: the share of each colour. */
async function shares(port: number, agent: Agent, total: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let sent = 0; sent < total; sent += CONNECTIONS) {
    const colors = await Promise.all(Array.from({ length: CONNECTIONS }, () => get(port, agent)));
    for (const color of colors) counts[color] = (counts[color] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).map(([color, n]) => [color, n / total]));
}

function openSockets(agent: Agent): number {
  return (
    Object.values(agent.sockets).reduce((n, list) => n + (list?.length ?? 0), 0) +
    Object.values(agent.freeSockets).reduce((n, list) => n + (list?.length ?? 0), 0)
  );
}

describe('WeightedBackends', () => {
  const backends: Backend[] = [
    { pod: 'b1', host, port: 1, color: 'blue' },
    { pod: 'b2', host, port: 2, color: 'blue' },
    { pod: 'g1', host, port: 3, color: 'green' },
  ];

  function picks(route: WeightedBackends, n: number): Record<string, number> {
    const counts: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const picked = route.pick();
      const key = picked?.pod ?? 'none';
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  it('splits by weight across colours, then round-robin across a colour’s pods', () => {
    const route = new WeightedBackends();
    route.setWeights({ blue: 90, green: 10 });
    route.set(backends);
    expect(picks(route, 100)).toEqual({ b1: 45, b2: 45, g1: 10 });
  });

  it('spreads the small share out instead of sending it in a burst', () => {
    const route = new WeightedBackends();
    route.setWeights({ blue: 90, green: 10 });
    route.set(backends);
    const order = Array.from({ length: 20 }, () => route.pick()!.color);
    const greens = order.flatMap((c, i) => (c === 'green' ? [i] : []));
    expect(greens).toHaveLength(2);
    expect(greens[1]! - greens[0]!).toBe(10);
  });

  it('sends nothing to weight 0 or to a colour the route does not name; null when nothing can be picked', () => {
    const route = new WeightedBackends();
    route.set(backends);
    expect(route.pick()).toBeNull();
    route.setWeights({ blue: 0, green: 1 });
    expect(picks(route, 5)).toEqual({ g1: 5 });
    route.setWeights({ red: 1 });
    expect(picks(route, 2)).toEqual({ none: 2 });
  });
});

describe('a 90/10 step with 10 kept-alive connections', () => {
  it('through the Gateway: green gets 10 % ± 3 % of the requests, whatever the connections do', async () => {
    const gateway = new GatewayProxy();
    closers.push(() => gateway.close());
    gateway.setWeights({ blue: 100 });
    gateway.setBackends([...(await pods('blue', 4)), ...(await pods('green', 4))]);
    const port = await gateway.listen(0, host);
    const agent = keptAlive();

    // Connections opened while all traffic is blue…
    expect(await shares(port, agent, 100)).toEqual({ blue: 1 });
    expect(openSockets(agent)).toBe(CONNECTIONS);
    // …are not pinned: the next requests on the same sockets follow the new weights.
    gateway.setWeights({ blue: 90, green: 10 });
    const split = await shares(port, agent, 1000);
    expect(openSockets(agent)).toBe(CONNECTIONS);
    expect(split['green']).toBeGreaterThanOrEqual(0.07);
    expect(split['green']).toBeLessThanOrEqual(0.13);
    console.log('gateway 90/10 with 10 kept-alive connections:', JSON.stringify(split));
  });

  it('behind the L4 Service as replica counts (9 blue, 1 green): green gets the connections that were reopened onto it', async () => {
    const service = new ServiceProxy();
    closers.push(() => service.close());
    const blue = await pods('blue', 9);
    service.setBackends(blue);
    const port = await service.listen(0, host);
    const agent = keptAlive();
    expect(await shares(port, agent, 100)).toEqual({ blue: 1 });

    // The canary pod becomes an endpoint: 1 of 10, the same 90/10 on paper.
    const green = await pod('green-0', 'green');
    service.setBackends([...blue, green]);
    const kept = await shares(port, agent, 1000);
    expect(kept).toEqual({ blue: 1 });

    // Recycle every connection: each new one gets a pick, and green's share is a whole number of
    // connections out of 10, set by where round-robin happened to land them, not by the 90/10 step.
    agent.destroy();
    const recycled = keptAlive();
    const after = await shares(port, recycled, 1000);
    const perConnection = (after['green'] ?? 0) * CONNECTIONS;
    expect(Math.abs(perConnection - Math.round(perConnection))).toBeLessThan(1e-9);
    console.log(
      'service with 9 blue + 1 green pods:',
      JSON.stringify({ keptAlive: kept, afterRecycling: after }),
    );
  });
});
