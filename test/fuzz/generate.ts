/**
 * Hostile inputs for the fuzz tests, generated from a seed so a failure can be replayed: FUZZ_SEED=<n>
 * reruns the exact sequence a failing run printed. No fuzzing library: a seeded PRNG and lists of things
 * that have broken HTTP servers before (traversal, bad percent-encoding, smuggling, oversized and
 * malformed lines, prototype keys, malformed WebSocket upgrades and frames).
 */

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  pick<T>(list: readonly T[]): T;
  chance(p: number): boolean;
  bytes(n: number): Buffer;
}

/** mulberry32: small, fast and good enough to spread inputs; the same seed gives the same inputs. */
export function makeRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    pick: (list) => list[int(list.length)]!,
    chance: (p) => next() < p,
    bytes: (n) => {
      const out = Buffer.alloc(n);
      for (let i = 0; i < n; i++) out[i] = int(256);
      return out;
    },
  };
}

/** FUZZ_SEED when given (to replay a failure), else a fresh one; the caller prints it. */
export function fuzzSeed(): number {
  const given = process.env.FUZZ_SEED;
  if (given !== undefined && /^\d+$/.test(given)) return Number(given) >>> 0;
  return (Date.now() ^ (process.pid << 8)) >>> 0;
}

/** An HTTP request a Node client can put on the wire (the raw-socket payloads cover what it cannot). */
export interface HostileRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** Routes of the part under test; hostile paths are built around them. */
export interface Surface {
  routes: readonly string[];
  /** Routes taking one path parameter, e.g. `/status/`. */
  paramRoutes: readonly string[];
  /** Routes with a JSON body worth aiming near-valid bodies at, e.g. `/api/faults`. */
  bodyRoutes: readonly string[];
}

// Path parameters: the valid ones are small on purpose (a fuzz run must not hold memory or sleep for
// seconds because it guessed a valid /memory/100 or /delay/9000); the rest are out of range or not numbers.
const PARAMS = [
  '0',
  '1',
  '2',
  '5',
  '-1',
  '+1',
  '01',
  '1.5',
  '1e3',
  '0x10',
  'abc',
  '',
  ' 1',
  '%20',
  '%00',
  '%2F',
  'NaN',
  'Infinity',
  '99999999999999999999',
  '18446744073709551616',
  '9007199254740993',
  '1000000000000000',
  '٣',
  '%D9%A3',
  '１',
  '__proto__',
  'constructor',
  '..',
  '%2e%2e',
  '1;2',
  '1,2',
  '1?',
  '1%3F',
  '-0',
  '999',
  '200',
  '204',
  '301',
  '404',
  '418',
  '500',
  '503',
  '599',
  '600',
  '100',
  '199',
  '0000000000000200',
] as const;

const TRAVERSAL = [
  '..',
  '%2e%2e',
  '%2E%2E',
  '..%2f',
  '%2e%2e%2f',
  '....//',
  '..\\',
  '..%5c',
  '%c0%ae%c0%ae',
  '%252e%252e',
  '.%2e',
  '%2e.',
  '..;',
  '.',
  '%2e',
  '%u002e%u002e',
] as const;
const SECRETS = [
  'etc/passwd',
  'proc/self/environ',
  'package.json',
  '.git/config',
  '.env',
  'index.html%00.png',
  'server/app.ts',
  'dist/cli.js',
  'node_modules/ws/package.json',
  'web/index.html',
] as const;
const PERCENT = [
  '%',
  '%z',
  '%zz',
  '%E0%A4%A',
  '%ff%fe',
  '%C0%80',
  '%ED%A0%80',
  '%%32%65',
  '%u0041',
  '%0d%0a',
];
const SPECIAL_SEGMENTS = [
  '',
  '.',
  '..',
  ';',
  ';jsessionid=1',
  '%2F',
  '%5C',
  '~',
  '*',
  '#',
  '@',
  ':',
  '::',
  '[',
  ']',
  '{x}',
  '$',
  '\u00e9',
  '\u00ff',
  '%E2%80%AE',
  '%EF%BB%BF',
  'a'.repeat(300),
  'index.html',
  'assets',
  'api',
  'stream',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'favicon.ico',
  'robots.txt',
] as const;
const QUERIES = [
  '',
  '?',
  '??',
  '?&&&==',
  '?%',
  '?a=%zz',
  '?__proto__[polluted]=1',
  '?constructor[prototype][x]=1',
  '?__proto__.x=1',
  '?a=1&a=2&a=3',
  '?x=' + 'y'.repeat(2000),
  '?' + 'k=v&'.repeat(500),
  '#frag',
  '?a[]=1&a[1]=2',
  '?=',
  '?=&=',
  '?a=%00',
  '?token=x&token=y',
  '?json={"__proto__":{}}',
] as const;

const METHODS = [
  'GET',
  'GET',
  'GET',
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PUT',
  'DELETE',
  'PATCH',
  'OPTIONS',
  'OPTIONS',
  'TRACE',
  'PROPFIND',
  'MKCOL',
  'LOCK',
  'SEARCH',
  'PURGE',
  'QUERY',
  'M-SEARCH',
  'LINK',
  'SUBSCRIBE',
  'BREW',
  'get',
  'FOO',
  'X'.repeat(60),
] as const;

/** `%XX` for every byte outside printable ASCII, so a Node client accepts the path. */
function escapeNonAscii(path: string): string {
  return path.replace(/[^\x21-\x7e]/g, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join(''),
  );
}

export function hostilePath(rng: Rng, surface: Surface): string {
  let path: string;
  switch (rng.int(8)) {
    case 0:
      path = rng.pick(surface.paramRoutes) + rng.pick(PARAMS);
      break;
    case 1: {
      const depth = 1 + rng.int(8);
      const sep = rng.pick(['/', '/', '%2f', '%2F', '\\', '%5c', '//']);
      path = rng.pick(surface.routes) + (sep + rng.pick(TRAVERSAL)).repeat(depth) + sep + rng.pick(SECRETS);
      break;
    }
    case 2:
      path = rng.pick(surface.routes) + rng.pick(PERCENT) + rng.pick(SPECIAL_SEGMENTS);
      break;
    case 3: {
      const n = 1 + rng.int(6);
      path = '';
      for (let i = 0; i < n; i++) path += '/' + rng.pick(SPECIAL_SEGMENTS);
      if (rng.chance(0.5)) path += rng.pick(surface.routes);
      break;
    }
    case 4:
      // Long paths: a route under a long prefix (the UI serves under any prefix), or one long segment.
      path = rng.chance(0.5)
        ? '/' + 'p/'.repeat(1 + rng.int(2000)) + rng.pick(surface.routes).slice(1)
        : rng.pick(surface.routes) + 'x'.repeat(rng.int(9000));
      break;
    case 5:
      path =
        rng.pick(['//', '///', '/./', '/%2F%2F', '//a:99999', '//[::1', '//user:pw@evil.example']) +
        rng.pick(surface.routes);
      break;
    default:
      path = rng.pick(surface.routes) + rng.pick(QUERIES);
  }
  if (rng.chance(0.3)) path += rng.pick(QUERIES);
  return escapeNonAscii(path);
}

const ORIGINS = [
  'null',
  'http://evil.example',
  'https://evil.example',
  'file://',
  'http://127.0.0.1',
  'http://localhost',
  'chrome-extension://abc',
  'http://127.0.0.1.evil.example',
  'garbage',
  '',
  'http://[::1',
  'http://a:99999',
] as const;
const CONTENT_TYPES = [
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json' + ';'.repeat(100),
  'text/plain',
  'text/html',
  'multipart/form-data; boundary=',
  'multipart/form-data; boundary=' + 'b'.repeat(500),
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  'application/*',
  '*/*',
  'x',
  ';',
  'application/json; charset=nope',
  'application/vnd.api+json',
  'APPLICATION/JSON',
] as const;
const HOSTS = [
  '127.0.0.1',
  'localhost',
  '',
  'evil.example',
  '127.0.0.1:99999',
  '[::1',
  'a'.repeat(1000),
  'x:y:z',
  'user@host',
  '127.0.0.1:0',
  '0',
  '::1',
] as const;

/** A printable ASCII string (what a header value may hold on the wire). */
function printable(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(0x20 + rng.int(0x5f));
  return s;
}

const TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
function token(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < Math.max(1, n); i++) s += TOKEN_CHARS[rng.int(TOKEN_CHARS.length)];
  return s;
}

export function hostileHeaders(rng: Rng, self: string): Record<string, string> {
  const h: Record<string, string> = {};
  const add = (name: string, value: string): void => void (h[name] = value);
  const n = rng.int(6);
  for (let i = 0; i < n; i++) {
    switch (rng.int(14)) {
      case 0:
        add('host', rng.pick(HOSTS));
        break;
      case 1:
        add('accept', rng.pick(['text/html', '*/*', 'application/json', 'text/html,'.repeat(200), '']));
        break;
      case 2:
        add('origin', rng.chance(0.3) ? self : rng.pick(ORIGINS));
        break;
      case 3:
        add('sec-fetch-site', rng.pick(['cross-site', 'same-site', 'same-origin', 'none', 'x']));
        break;
      case 4:
        add(
          'authorization',
          rng.pick(['Bearer', 'Bearer ', 'Bearer ' + 'a'.repeat(4000), 'Basic Og==', 'bearer x y']),
        );
        break;
      case 5:
        add('content-type', rng.pick(CONTENT_TYPES));
        break;
      case 6:
        add('cookie', printable(rng, rng.int(3000)).replace(/[;\s]/g, '='));
        break;
      case 7:
        add(
          'range',
          rng.pick([
            'bytes=0-0',
            'bytes=-1',
            'bytes=1-0',
            'bytes=' + '0-1,'.repeat(500),
            'bytes=99999999999999999999-',
          ]),
        );
        break;
      case 8:
        add('accept-encoding', rng.pick(['gzip, deflate, br', '*', 'identity;q=0', 'x'.repeat(2000)]));
        break;
      case 9:
        add('x-forwarded-for', '1.2.3.4, '.repeat(1 + rng.int(200)));
        break;
      case 10:
        add('if-none-match', rng.pick(['*', '"x"', 'W/"' + 'a'.repeat(1000) + '"']));
        break;
      case 11:
        add(
          token(rng, 1 + rng.int(40)).toLowerCase(),
          printable(rng, rng.int(rng.chance(0.1) ? 20_000 : 200)),
        );
        break;
      case 12:
        for (let k = 0; k < 50 + rng.int(300); k++) add(`x-fuzz-${k}`, printable(rng, rng.int(20)));
        break;
      default:
        add(
          rng.pick([
            'color',
            'x-pod-name',
            '__proto__',
            'constructor',
            'upgrade',
            'connection',
            'expect',
            'te',
            'trailer',
            'max-forwards',
          ]),
          rng.pick([
            'websocket',
            'close',
            'keep-alive, upgrade',
            '100-continue',
            'trailers',
            '0',
            'red;background:url(//evil)',
          ]),
        );
        break;
    }
  }
  // The client manages these itself; a hostile value would only make it refuse to send.
  for (const name of [
    'connection',
    'upgrade',
    'content-length',
    'transfer-encoding',
    'expect',
    'te',
    'trailer',
  ]) {
    delete h[name];
  }
  return h;
}

/** JSON a schema might almost accept: the `/api/faults` shape with hostile values, and prototype keys. */
function nearValidJson(rng: Rng): string {
  const values: unknown[] = [0, 0.5, 1, -1, 2, 1e308, -0, '1', null, true, [], {}, 'NaN', 0.000001, 20, 50];
  const latency = rng.pick<unknown>([
    { min: 0, max: 0 },
    { min: 0, max: 20 },
    { min: 5, max: 1 },
    { min: -1, max: 0 },
    { min: 0 },
    { min: 1.5, max: 2 },
    { min: '0', max: '1' },
    { min: 0, max: 600_001 },
    { min: 0, max: 1e308 },
    { min: 0, max: 0, extra: 1 },
    null,
    [],
  ]);
  const pick = rng.int(6);
  if (pick === 0) return JSON.stringify({ errorRate: rng.pick(values) });
  if (pick === 1) return JSON.stringify({ latencyMs: latency });
  if (pick === 2) return JSON.stringify({ errorRate: rng.pick(values), latencyMs: latency, x: 1 });
  if (pick === 3) return '{"__proto__":{"errorRate":1},"errorRate":0}';
  if (pick === 4) return '{"constructor":{"prototype":{"errorRate":1}}}';
  return '{"errorRate":0,"errorRate":1}';
}

export function hostileBody(rng: Rng): Buffer {
  switch (rng.int(10)) {
    case 0:
      return rng.bytes(rng.int(8192));
    case 1:
      return Buffer.from(nearValidJson(rng));
    case 2:
      return Buffer.from(nearValidJson(rng));
    case 3: {
      // Deep nesting: recursive parsers run out of stack.
      const depth = 1000 + rng.int(20_000);
      return Buffer.from(
        rng.chance(0.5)
          ? '['.repeat(depth) + ']'.repeat(depth)
          : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
      );
    }
    case 4:
      return Buffer.from(
        rng.pick(['', '{', 'null', '[]', '"x"', '1e400', '-', '{"a":1}x', '\ufeff{}', '{"a":"\\ud800"}']),
      );
    case 5:
      return Buffer.alloc(64 * 1024 + rng.int(4), 0x41); // just over the app's body limit
    case 6:
      return Buffer.alloc(rng.int(1024 * 1024), 0x20); // up to 1 MiB
    case 7:
      return Buffer.from('a=1&'.repeat(rng.int(20_000)));
    case 8:
      return Buffer.from(`{"s":"${'\\u0000'.repeat(rng.int(5000))}"}`);
    default:
      return Buffer.from(
        JSON.stringify({ color: 'red;position:fixed', pod: '\x1b[2J\x1b]0;pwned\x07', __proto__: 1 }),
      );
  }
}

/** One hostile request for `surface`; `self` is the part's own origin (sometimes sent as Origin). */
export function hostileRequest(rng: Rng, surface: Surface, self: string): HostileRequest {
  const method = rng.pick(METHODS);
  const bodyRoute = surface.bodyRoutes.length > 0 && rng.chance(0.15);
  const path = bodyRoute ? rng.pick(surface.bodyRoutes) : hostilePath(rng, surface);
  const headers = hostileHeaders(rng, self);
  const withBody =
    bodyRoute || (method !== 'GET' && method !== 'HEAD' && rng.chance(0.6)) || rng.chance(0.05);
  if (bodyRoute && !headers['content-type']) headers['content-type'] = 'application/json';
  return {
    method: bodyRoute ? rng.pick(['PUT', 'PUT', 'POST', 'PATCH']) : method,
    path,
    headers,
    ...(withBody ? { body: hostileBody(rng) } : {}),
  };
}

const WS_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const UPGRADE_TARGETS = [
  '//a:99999/api/stream',
  '//[::1/api/stream',
  'http://[::1/api/stream',
  '/%zz/api/stream',
  '*',
  '//user@/api/stream',
  'http://a:-1/api/stream',
  '/api/stream',
  '/x/api/stream',
  '/api/stream?%',
  '/api/stream/',
  '/api/STREAM',
  '//',
  'api/stream',
  '/api/stream%00',
  '/' + 'a/'.repeat(3000) + 'api/stream',
  'http://evil.example/api/stream',
  '/api/stream#x',
  '/../api/stream',
  '/api/str%65am',
] as const;

/** A WebSocket upgrade, often malformed: bad request-target, key, version, origin or headers. */
function hostileUpgrade(rng: Rng): string {
  const lines = [
    `${rng.pick(['GET', 'GET', 'GET', 'POST', 'CONNECT', 'get'])} ${rng.pick(UPGRADE_TARGETS)} HTTP/1.1`,
  ];
  lines.push(`Host: ${rng.pick(HOSTS)}`);
  if (rng.chance(0.9))
    lines.push(`Upgrade: ${rng.pick(['websocket', 'websocket', 'WebSocket', 'h2c', 'websocket, h2c', ''])}`);
  if (rng.chance(0.9))
    lines.push(`Connection: ${rng.pick(['Upgrade', 'upgrade', 'keep-alive, Upgrade', 'close'])}`);
  if (rng.chance(0.8))
    lines.push(
      `Sec-WebSocket-Key: ${rng.pick([WS_KEY, '', 'short', 'x'.repeat(5000), '!!!!!!!!!!!!!!!!!!!!!!=='])}`,
    );
  if (rng.chance(0.8)) lines.push(`Sec-WebSocket-Version: ${rng.pick(['13', '13', '8', '99', '', 'x'])}`);
  if (rng.chance(0.3)) lines.push(`Origin: ${rng.pick(ORIGINS)}`);
  if (rng.chance(0.2)) lines.push(`Sec-WebSocket-Protocol: ${rng.pick(['', ',', 'a,a', 'x'.repeat(3000)])}`);
  if (rng.chance(0.2))
    lines.push(
      `Sec-WebSocket-Extensions: ${rng.pick(['permessage-deflate; client_max_window_bits=99', 'permessage-deflate; server_max_window_bits', 'x; y=', ';;;'])}`,
    );
  return lines.join('\r\n') + '\r\n\r\n';
}

/** A WebSocket frame header for `payload` (masked unless told otherwise). */
function frame(opcode: number, payload: Buffer, masked = true, fin = true): Buffer {
  const len = payload.length;
  const head = [((fin ? 0x80 : 0) | opcode) & 0xff];
  const mask = masked ? 0x80 : 0;
  const ext: number[] = [];
  if (len < 126) head.push(mask | len);
  else if (len < 65536) {
    head.push(mask | 126);
    ext.push(len >> 8, len & 0xff);
  } else {
    head.push(mask | 127);
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(len));
    ext.push(...b);
  }
  const key = masked ? [1, 2, 3, 4] : [];
  const body = Buffer.from(payload.map((byte, i) => (masked ? byte ^ key[i % 4]! : byte)));
  return Buffer.concat([Buffer.from(head), Buffer.from(ext), Buffer.from(key), body]);
}

/** A valid upgrade to the stream followed by bytes a WebSocket server must refuse (raw frames). */
function upgradeThenBadFrames(rng: Rng): Buffer {
  const upgrade =
    `GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${WS_KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
  const frames = [
    () => frame(0x1, Buffer.from('{"type":"control"}'), false), // unmasked client frame
    () => frame(0x3, Buffer.from('x')), // reserved opcode
    () => Buffer.from([0xf1, 0x80, 0, 0, 0, 0]), // RSV bits set
    () => frame(0x1, Buffer.from([0xff, 0xfe, 0xc0])), // text that is not UTF-8
    () => frame(0x9, Buffer.alloc(200)), // ping with a payload over 125 bytes
    () => frame(0x8, Buffer.from([0x03])), // close with a 1-byte payload
    () => frame(0x1, Buffer.from('{"type":'), true, false).subarray(0), // fragment never finished
    () => Buffer.from([0x81, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), // 2^63 length
    () => frame(0x0, Buffer.from('x')), // continuation with nothing to continue
    () => rng.bytes(1 + rng.int(512)),
  ];
  return Buffer.concat([
    Buffer.from(upgrade),
    ...Array.from({ length: 1 + rng.int(3) }, () => rng.pick(frames)()),
  ]);
}

/** Bytes for a raw socket: what no well-behaved client sends. */
export function rawPayload(rng: Rng, surface: Surface): Buffer {
  const route = rng.pick(surface.routes);
  const ok = `GET ${route} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
  const pick = rng.int(24);
  switch (pick) {
    case 0:
    case 1:
    case 2:
      return Buffer.from(hostileUpgrade(rng));
    case 3:
      return upgradeThenBadFrames(rng);
    case 4:
      return rng.bytes(1 + rng.int(4096));
    case 5:
      return Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    case 6:
      return Buffer.from([
        0x16,
        0x03,
        0x01,
        0x02,
        0x00,
        0x01,
        0x00,
        0x01,
        0xfc,
        0x03,
        0x03,
        ...rng.bytes(64),
      ]);
    case 7:
      return Buffer.from(`GET ${route}\r\n\r\n`); // HTTP/0.9
    case 8:
      return Buffer.from(
        `GET ${route} HTTP/${rng.pick(['9.9', '1.2', '0.9', '2', 'x', '1.1.1'])}\r\nHost: x\r\n\r\n`,
      );
    case 9:
      return Buffer.from(`${'X'.repeat(1 + rng.int(20_000))} ${route} HTTP/1.1\r\n\r\n`);
    case 10:
      return Buffer.from(
        `GET ${route}${rng.pick(['\x00', '\x7f', ' ', '\t', '\u00e9', '\ud83d\ude00', '<script>'])}x HTTP/1.1\r\nHost: x\r\n\r\n`,
      );
    case 11:
      return Buffer.from(`GET ${route} HTTP/1.1\nHost: x\nX: y\n\n`); // bare LF
    case 12:
      return Buffer.from(
        `GET ${route} HTTP/1.1\r\nHost: x\r\nX-A: b\r\n  folded\r\nNoColon\r\nBad Name: v\r\n : x\r\n\r\n`,
      );
    case 13:
      return Buffer.from(
        `POST ${route} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n`,
      );
    case 14:
      return Buffer.from(
        `POST ${route} HTTP/1.1\r\nHost: x\r\nContent-Length: ${rng.pick(['-1', '1, 2', '1 2', '0x10', '99999999999999999999', '+5', ''])}\r\n\r\nhello`,
      );
    case 15:
      return Buffer.from(
        `POST ${route} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ${rng.pick(['chunked', 'chunked, identity', 'xchunked', 'chunked\r\nTransfer-Encoding: chunked', 'gzip'])}\r\n\r\n${rng.pick(['fffffffffffffffff', 'z', '-1', '5;' + 'e'.repeat(5000), '1\r\nxx', '0'])}\r\n\r\n`,
      );
    case 16:
      return Buffer.from(
        `GET ${route} HTTP/1.1\r\nHost: x\r\n${'X-Big: ' + 'a'.repeat(8000) + '\r\n'}`.repeat(1) +
          `X-Huge: ${'b'.repeat(70_000 + rng.int(100_000))}\r\n\r\n`,
      );
    case 17:
      return Buffer.from(
        `GET ${route} HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 3000 }, (_, i) => `H${i}: v\r\n`).join('')}\r\n`,
      );
    case 18:
      return Buffer.from(ok.repeat(20 + rng.int(200))); // pipelined
    case 19:
      return Buffer.from(`CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n`);
    case 20:
      return Buffer.from(
        `GET ${route} HTTP/1.1\r\nHost: a\r\nHost: b\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n`,
      );
    case 21:
      return Buffer.from(`OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n`);
    case 22:
      return Buffer.from(
        `GET ${route} HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n`,
      );
    default:
      return Buffer.from(`\r\n\r\n\r\n${ok}${rng.bytes(20).toString('latin1')}`, 'latin1');
  }
}

/**
 * A control frame for the stream: malformed JSON, unknown types and actions, rates out of range, odd ids.
 * `rollouts`: whether a frame may be a valid rollout/rollback (each one spawns app processes in the demo).
 */
export function hostileControl(rng: Rng, rollouts: boolean): string | Buffer {
  const rates: unknown[] = [
    -1,
    0,
    1e-300,
    5e-324,
    1e308,
    0.05,
    0.1,
    1,
    5,
    50,
    150,
    1e6,
    '5',
    null,
    [],
    {},
    true,
  ];
  const ids: unknown[] = [undefined, 'a', '', 1, {}, [], null, 'x'.repeat(rng.int(40_000)), '\x1b[2J'];
  const id = rng.pick(ids);
  const withId = (m: Record<string, unknown>): string => JSON.stringify(id === undefined ? m : { ...m, id });
  switch (rng.int(14)) {
    case 0:
      return rng.pick([
        '',
        '{',
        '}',
        'null',
        '[]',
        '"control"',
        '1e400',
        'NaN',
        '{"type":"control",',
        '\u0000',
      ]);
    case 1:
      return rng.bytes(rng.int(2048)); // binary frame
    case 2:
      return '['.repeat(1 + rng.int(30_000));
    case 3:
      return withId({
        type: rng.pick(['', 'hello', 'tick', 'CONTROL', 'control ', null, 1]),
        action: 'stop',
      });
    case 4:
      return withId({
        type: 'control',
        action: rng.pick([
          '',
          'STOP',
          'restart',
          'exit',
          '__proto__',
          'toString',
          'constructor',
          null,
          1,
          ['stop'],
        ]),
      });
    case 5:
    case 6:
      return withId({ type: 'control', action: 'set-rate', rate: rng.pick(rates) });
    case 7:
      return withId({ type: 'control', action: rng.pick(['start', 'stop']) });
    case 8:
      return `{"type":"control","action":"set-rate","rate":1,"__proto__":{"action":"stop"}}`;
    case 9:
      return JSON.stringify({ type: 'control', action: 'stop', pad: 'x'.repeat(70_000 + rng.int(50_000)) }); // over maxPayload
    case 10: {
      // A rollout with at least one field wrong, unless rollouts are wanted.
      const strategy = rng.pick(['', 'Rolling', '__proto__', 'x'.repeat(5000), null, 1]);
      const color = rng.pick(['red;background:url(//evil)', '', '#zzz', 'x'.repeat(5000), null]);
      return withId({ type: 'control', action: 'rollout', strategy, color });
    }
    case 11:
      return rollouts
        ? withId({
            type: 'control',
            action: 'rollout',
            strategy: rng.pick(['rolling', 'recreate', 'blue-green', 'canary']),
            color: rng.pick(['green', 'blue', '#ff0000', 'orange']),
          })
        : withId({ type: 'control', action: 'rollout' });
    case 12:
      return rollouts
        ? withId({ type: 'control', action: 'rollback' })
        : JSON.stringify({ type: 'control', action: 'rollback', id: 7 });
    default:
      return withId({
        type: 'control',
        action: 'set-rate',
        rate: rng.pick(rates),
        extra: { nested: [1, 2, 3] },
      });
  }
}
