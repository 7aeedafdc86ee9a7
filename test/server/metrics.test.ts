/** GET /metrics: process metrics and requests by route template, method, status, colour and version. */
import { afterEach, describe, expect, it } from 'vitest';
import { closeApps, expectIdentityHeaders, makeApp } from './fixture.js';

afterEach(closeApps);

describe('metrics', () => {
  it('exposes process metrics and requests by route template, method, status, colour and version', async () => {
    const { app } = makeApp();
    await app.inject('/delay/1');
    await app.inject('/delay/2');
    await app.inject('/status/503');
    await app.inject('/nowhere/123');
    const res = await app.inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expectIdentityHeaders(res);
    const text = res.body;
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toContain(
      'http_requests_total{route="/delay/:ms",method="GET",status_code="200",color="green",version="v2"} 2',
    );
    expect(text).toContain(
      'http_requests_total{route="/status/:code",method="GET",status_code="503",color="green",version="v2"} 1',
    );
    expect(text).toContain('http_requests_total{route="unmatched",method="GET",status_code="404"');
    expect(text).not.toContain('/nowhere/123');
    expect(text).toMatch(
      /http_request_duration_seconds_count\{route="\/delay\/:ms",method="GET",status_code="200",color="green",version="v2"\} 2/,
    );
    const labels = 'route="/delay/:ms",method="GET",status_code="200",color="green",version="v2"';
    expect(text).toContain(`http_request_duration_seconds_bucket{le="+Inf",${labels}} 2`);
    expect(text).toContain(`http_request_duration_seconds_bucket{le="30",${labels}} 2`);
    const sum = text.split('\n').find((l) => l.startsWith(`http_request_duration_seconds_sum{${labels}} `));
    expect(Number(sum?.split(' ')[1])).toBeGreaterThan(0.002);
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
  });
});
