/** The app built for app.inject() tests, and the checks all answers share: identity headers, JSON errors. */
import { expect } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type BuildOptions } from '../../server/app.js';
import { resolveServeOptions, type ServeOptions } from '../../server/options.js';
import { Lifecycle } from '../../server/lifecycle.js';

const apps: FastifyInstance[] = [];

/** For afterEach: closes every app built since the last call. */
export async function closeApps(): Promise<void> {
  await Promise.all(apps.splice(0).map((a) => a.close()));
}

const POD_ENV = {
  POD_NAME: 'app-7d9f-abcde',
  POD_NAMESPACE: 'bluegreen',
  NODE_NAME: 'node-1',
  POD_IP: '10.1.2.3',
};

/** A green v2 app, already ready, without logging or dashboard; `env` adds settings, `options` overrides. */
export function makeApp(
  env: Record<string, string> = {},
  options: BuildOptions = {},
): { app: FastifyInstance; config: ServeOptions; lifecycle: Lifecycle } {
  const config = resolveServeOptions({}, { COLOR: 'green', APP_VERSION: 'v2', ...env });
  const lifecycle = options.lifecycle ?? new Lifecycle();
  lifecycle.state = 'ready';
  const app = buildApp(config, { logger: false, webDir: null, env: POD_ENV, ...options, lifecycle });
  apps.push(app);
  return { app, config, lifecycle };
}

export function expectIdentityHeaders(res: LightMyRequestResponse): void {
  expect(res.headers['color']).toBe('green');
  expect(res.headers['x-pod-name']).toBe('app-7d9f-abcde');
  expect(res.headers['x-app-version']).toBe('v2');
  expect(res.headers['access-control-allow-origin']).toBe('*');
  expect(res.headers['access-control-expose-headers']).toBe('color, x-pod-name, x-app-version');
}

export function expectJsonError(res: LightMyRequestResponse, status: number, message: RegExp): void {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json<{ error: string; message: string; statusCode: number }>();
  expect(body.error).toEqual(expect.any(String));
  expect(body.statusCode).toBe(status);
  expect(body.message).toMatch(message);
  expectIdentityHeaders(res);
}
