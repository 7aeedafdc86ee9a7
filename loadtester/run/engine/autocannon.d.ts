// The parts of autocannon 9.0.0 we use (@types/autocannon is out of date): see notes on autocannon.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  export interface AutocannonClient extends EventEmitter {
    on(event: 'headers', listener: (info: { statusCode: number; headers: string[] }) => void): this;
    on(
      event: 'response',
      listener: (statusCode: number, resBytes: number, responseTime: number) => void,
    ): this;
    on(event: 'request' | 'timeout', listener: () => void): this;
    on(event: 'connError', listener: (error: Error & { code?: string }) => void): this;
  }

  export interface AutocannonOptions {
    url: string;
    connections?: number;
    duration?: number;
    amount?: number;
    pipelining?: number;
    timeout?: number;
    headers?: Record<string, string>;
    overallRate?: number;
    ignoreCoordinatedOmission?: boolean;
    setupClient?: (client: AutocannonClient) => void;
  }

  export interface AutocannonResult {
    requests: { total: number; sent: number; average: number };
    latency: { p50: number; p90: number; p99: number; max: number; mean: number };
    errors: number;
    timeouts: number;
    non2xx: number;
    duration: number;
    start: Date;
    finish: Date;
    [key: string]: unknown;
  }

  export interface Instance extends EventEmitter, PromiseLike<AutocannonResult> {
    stop(): void;
    on(event: 'reqError', listener: (error: Error & { code?: string }) => void): this;
    on(
      event: 'response',
      listener: (
        client: AutocannonClient,
        statusCode: number,
        resBytes: number,
        responseTime: number,
      ) => void,
    ): this;
    on(event: 'done', listener: (result: AutocannonResult) => void): this;
    on(event: 'tick', listener: (counts: { counter: number; bytes: number }) => void): this;
  }

  function autocannon(options: AutocannonOptions): Instance;
  export default autocannon;
}
