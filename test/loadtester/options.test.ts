import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { addLoadFlags, resolveLoadOptions, resolveLoadSettings } from '../../loadtester/options.js';
import { UsageError } from '../../common/usage-error.js';

function parse(args: string[], env: NodeJS.ProcessEnv = {}) {
  const cmd = addLoadFlags(new Command('load').argument('<url>').exitOverride());
  cmd.parse(args, { from: 'user' });
  return resolveLoadOptions(cmd.args[0]!, cmd.opts(), env);
}

describe('load options', () => {
  it('has defaults', () => {
    const o = parse(['http://127.0.0.1:8080/']);
    expect(o).toMatchObject({
      rate: 100,
      connections: 10,
      durationMs: 30_000,
      requests: null,
      keepAlive: true,
      ui: null,
    });
  });

  it('reads flags, env, recycle and headers', () => {
    const o = parse(
      [
        'https://app.example.com/x?y=1',
        '--rate',
        'max',
        '-n',
        '50',
        '--recycle',
        '100,10s',
        '--no-keepalive',
        '-H',
        'X-A: 1',
        '-H',
        'b:2',
        '--max-error-rate',
        '0.5%',
        '--ui',
      ],
      { LOAD_CONNECTIONS: '3', LOAD_TIMEOUT: '2s' },
    );
    expect(o).toMatchObject({
      url: 'https://app.example.com/x?y=1',
      rate: null,
      requests: 50,
      durationMs: null,
      connections: 3,
      timeoutMs: 2000,
      keepAlive: false,
      recycle: { afterRequests: 100, afterMs: 10_000 },
      headers: { 'x-a': '1', b: '2' },
      thresholds: { maxErrors: null, maxErrorRate: 0.5, maxP99Ms: null },
      ui: { port: 8090, host: '127.0.0.1' },
    });
  });

  it("reads per-colour thresholds (repeatable, comma lists, env) beside the whole run's, and --compare", () => {
    expect(
      parse([
        'http://a/',
        '--max-error-rate',
        'green:0.5%,2',
        '--max-error-rate',
        'blue:1%',
        '--max-p99',
        'green:250',
        '--compare',
        'blue, green',
        '--max-regression',
        '20%',
      ]).thresholds,
    ).toEqual({
      maxErrors: null,
      maxErrorRate: 2,
      maxP99Ms: null,
      colorMaxErrorRate: { green: 0.5, blue: 1 },
      colorMaxP99Ms: { green: 250 },
      compare: { baseline: 'blue', candidate: 'green', maxRegression: 20 },
    });
    expect(parse(['http://a/'], { LOAD_MAX_ERROR_RATE: 'green:1%', LOAD_MAX_P99: '300' }).thresholds).toEqual(
      { maxErrors: null, maxErrorRate: null, maxP99Ms: 300, colorMaxErrorRate: { green: 1 } },
    );
    // A flag wins over the env variable.
    expect(parse(['http://a/', '--max-p99', '5'], { LOAD_MAX_P99: '300' }).thresholds.maxP99Ms).toBe(5);
  });

  it('runs until stopped with --serve, listening on all interfaces', () => {
    expect(parse(['http://a/', '--serve'])).toMatchObject({
      durationMs: null,
      serve: true,
      ui: { port: 8090, host: '0.0.0.0' },
    });
  });

  it.each([
    [['ftp://a/'], /only http/],
    [['not a url'], /not a URL/],
    [['http://a/', '--duration', '5x'], /not a duration/],
    [['http://a/', '--rate', '-3'], /--rate/],
    [['http://a/', '--rate', '0.05'], /--rate: "0.05" must be a number ≥ 0.1/],
    [['http://a/', '--connections', '1.5'], /whole number/],
    [['http://a/', '--max-errors', 'lots'], /--max-errors/],
    [['http://a/', '-H', 'nocolon'], /--header/],
    [['http://a/', '--ui', '70000'], /not a port/],
    [['http://a/', '--max-error-rate', 'green:lots'], /--max-error-rate green: "lots" must be a percentage/],
    [['http://a/', '--max-error-rate', ':1%'], /names no colour before the colon/],
    [['http://a/', '--max-error-rate', '1%,2%'], /whole run's limit is given twice/],
    [
      ['http://a/', '--max-p99', 'green:100', '--max-p99', 'green:200'],
      /--max-p99: green's limit is given twice/,
    ],
    [['http://a/', '--max-p99', 'green:100,'], /empty item/],
    [['http://a/', '--compare', 'blue'], /must be two colours, baseline first/],
    [['http://a/', '--compare', 'blue,blue', '--max-regression', '5'], /compares a colour with itself/],
    [['http://a/', '--compare', 'blue,green'], /--compare needs --max-regression/],
    [['http://a/', '--max-regression', '20%'], /--max-regression needs --compare/],
  ])('%j is bad usage', (args, message) => {
    expect(() => parse(args)).toThrow(UsageError);
    expect(() => parse(args)).toThrow(message);
  });

  it('refuses --rate 0 (and LOAD_RATE=0), saying how to ask for the maximum rate', () => {
    expect(() => parse(['http://a/', '--rate', '0'])).toThrow(UsageError);
    expect(() => parse(['http://a/', '--rate', '0'])).toThrow(/^--rate: "0" .*--rate max/);
    expect(() => parse(['http://a/'], { LOAD_RATE: '0' })).toThrow(/^LOAD_RATE: "0" .*--rate max/);
    expect(parse(['http://a/', '--rate', 'MAX']).rate).toBeNull();
  });

  it.each(['150%', '1000', '100.5', 'green:101%', '1%,blue:200'])(
    'refuses an error rate above 100 percent: --max-error-rate %s',
    (limit) => {
      expect(() => parse(['http://a/', '--max-error-rate', limit])).toThrow(UsageError);
      expect(() => parse(['http://a/', '--max-error-rate', limit])).toThrow(/at most 100%/);
    },
  );

  it('takes an error rate up to 100% (a bare number is a percentage)', () => {
    expect(parse(['http://a/', '--max-error-rate', '100']).thresholds.maxErrorRate).toBe(100);
    expect(parse(['http://a/', '--max-error-rate', '100%']).thresholds.maxErrorRate).toBe(100);
    expect(parse(['http://a/', '--max-error-rate', '0.5']).thresholds.maxErrorRate).toBe(0.5);
  });

  it('takes --max-p99 as a duration with units (a bare number is ms), per colour too', () => {
    const p99 = (...limits: string[]) =>
      parse(['http://a/', ...limits.flatMap((l) => ['--max-p99', l])]).thresholds;
    expect(p99('250ms').maxP99Ms).toBe(250);
    expect(p99('1s').maxP99Ms).toBe(1000);
    expect(p99('1.5s').maxP99Ms).toBe(1500);
    expect(p99('250').maxP99Ms).toBe(250);
    expect(p99('12.5').maxP99Ms).toBe(12.5);
    expect(p99('green:250ms', 'blue:1s,2s')).toMatchObject({
      maxP99Ms: 2000,
      colorMaxP99Ms: { green: 250, blue: 1000 },
    });
    expect(parse(['http://a/'], { LOAD_MAX_P99: 'green:300ms' }).thresholds.colorMaxP99Ms).toEqual({
      green: 300,
    });
    expect(() => p99('fast')).toThrow(/--max-p99: "fast" is not a duration/);
    expect(() => p99('green:soon')).toThrow(/--max-p99 green: "soon" is not a duration/);
    expect(() => p99('-5ms')).toThrow(UsageError);
  });

  it('resolves everything but the target without a URL, the run sized by the caller', () => {
    const interactive = resolveLoadSettings({}, { LOAD_UI_HOST: '0.0.0.0' }, { durationMs: null, ui: true });
    expect(interactive).not.toHaveProperty('url');
    expect(interactive).toMatchObject({ durationMs: null, ui: { port: 8090, host: '0.0.0.0' } });
    const headless = resolveLoadSettings({}, {}, { durationMs: 60_000, ui: false });
    expect(headless).toMatchObject({ durationMs: 60_000, ui: null });
    expect(
      resolveLoadSettings({ requests: '5' }, {}, { durationMs: 60_000, ui: false }).durationMs,
    ).toBeNull();
    expect(resolveLoadSettings({}, { LOAD_DURATION: '5s' }, { durationMs: null, ui: false }).durationMs).toBe(
      5000,
    );
  });

  it('reads --ui-origin and --control-token (flag or env); the token is checked but never echoed', () => {
    expect(parse(['http://a/', '--ui'])).toMatchObject({ ui: { origins: [] }, controlToken: null });
    expect(
      parse(['http://a/', '--ui', '--ui-origin', 'https://dash.example.com,http://localhost:5173'], {
        LOAD_CONTROL_TOKEN: 'from-the-secret',
      }),
    ).toMatchObject({
      ui: { origins: ['https://dash.example.com', 'http://localhost:5173'] },
      controlToken: 'from-the-secret',
    });
    expect(
      parse(['http://a/', '--control-token', 'on-the-line'], { LOAD_UI_ORIGIN: 'http://x:1' }),
    ).toMatchObject({ controlToken: 'on-the-line' });
    expect(() => parse(['http://a/', '--control-token', 'short'])).toThrow(
      '--control-token: must be 8 to 256 printable characters without spaces',
    );
    expect(() => parse(['http://a/'], { LOAD_UI_ORIGIN: 'dash.example.com' })).toThrow(/LOAD_UI_ORIGIN/);
  });

  it('names the env variable in errors', () => {
    expect(() => parse(['http://a/'], { LOAD_RATE: 'fast' })).toThrow(/LOAD_RATE/);
  });

  it('takes --kube with a selector, and optional context, namespace and Service', () => {
    expect(parse(['http://x/']).kube).toBeNull();
    const o = parse([
      'http://x/',
      '--kube',
      '--selector',
      'app.kubernetes.io/component=app,tier!=db',
      '--service',
      'app',
    ]);
    expect(o.kube).toEqual({
      context: null,
      namespace: null,
      selector: 'app.kubernetes.io/component=app,tier!=db',
      service: 'app',
    });
    const e = parse(['http://x/', '--kube', '--context', 'kind-bg'], {
      LOAD_KUBE_SELECTOR: 'app in (a, b)',
      LOAD_KUBE_NAMESPACE: 'bluegreen',
    });
    expect(e.kube).toMatchObject({ context: 'kind-bg', namespace: 'bluegreen', selector: 'app in (a, b)' });
  });

  it('rejects --kube settings that cannot work, naming the flag', () => {
    expect(() => parse(['http://x/', '--kube'])).toThrow(/--kube needs --selector/);
    expect(() => parse(['http://x/', '--namespace', 'bluegreen'])).toThrow(/--namespace .* is for --kube/);
    expect(() => parse(['http://x/', '--kube', '--selector', 'a=b', '--namespace', 'Blue_Green'])).toThrow(
      /--namespace: "Blue_Green" is not a Kubernetes name/,
    );
    expect(() => parse(['http://x/', '--kube', '--selector', 'a=b=c'])).toThrow(UsageError);
    expect(() => parse(['http://x/', '--kube', '--selector', 'a=b', '--service', 'app/x'])).toThrow(
      /--service: "app\/x" is not a Kubernetes name/,
    );
  });
});
