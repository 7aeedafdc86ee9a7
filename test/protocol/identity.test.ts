import { describe, expect, it } from 'vitest';
import {
  IDENTITY_BODY_LIMIT,
  IDENTITY_HEADER_NAMES,
  incomplete,
  isColor,
  readIdentity,
} from '../../protocol/identity.js';
import { IDENTITY_VALUE_LIMIT } from '../../protocol/outcomes.js';
import { parseColor } from '../../common/parsers.js';

const bytes = (...pairs: string[]): Buffer[] => pairs.map((s) => Buffer.from(s));

describe('readIdentity', () => {
  it('names the three headers every app response carries', () => {
    expect(IDENTITY_HEADER_NAMES).toEqual(['color', 'x-pod-name', 'x-app-version']);
  });

  it('reads raw header pairs as bytes (undici) or strings (autocannon), in any letter case', () => {
    const raw = [
      'Content-Type',
      'text/plain',
      'Color',
      'blue',
      'X-Pod-Name',
      'app-7d9f-abcde',
      'colour',
      'x',
    ];
    expect(readIdentity(bytes(...raw))).toEqual({ color: 'blue', pod: 'app-7d9f-abcde' });
    expect(readIdentity(raw)).toEqual({ color: 'blue', pod: 'app-7d9f-abcde' });
    expect(readIdentity(bytes('COLOR', 'grün'))).toEqual({ color: 'grün', pod: null });
  });

  it('reads a header lookup such as fetch’s Headers', () => {
    const headers = new Headers({ Color: 'green', 'X-Pod-Name': 'app-1', 'x-app-version': 'v2' });
    expect(readIdentity((name) => headers.get(name))).toEqual({ color: 'green', pod: 'app-1' });
    expect(readIdentity((name) => ({ 'x-pod-name': 'app-2' })[name])).toEqual({ color: null, pod: 'app-2' });
  });

  it('is null when nothing names anyone', () => {
    expect(readIdentity([])).toBeNull();
    expect(readIdentity(bytes('server', 'nginx', 'x-pod', 'p'))).toBeNull();
    expect(readIdentity(() => null)).toBeNull();
    expect(readIdentity(null)).toBeNull();
  });

  it('falls back to a JSON body’s color and pod for whichever the headers leave unnamed', () => {
    const info = JSON.stringify({ color: 'blue', version: 'v1', pod: 'app-1', uptimeSeconds: 3 });
    expect(readIdentity(bytes('content-type', 'application/json'), info)).toEqual({
      color: 'blue',
      pod: 'app-1',
    });
    expect(readIdentity(null, info)).toEqual({ color: 'blue', pod: 'app-1' });
    expect(readIdentity(bytes('color', 'green'), info)).toEqual({ color: 'green', pod: 'app-1' });
    expect(readIdentity(bytes('x-pod-name', 'p-9'), info)).toEqual({ color: 'blue', pod: 'p-9' });
    expect(readIdentity(bytes('color', 'green', 'x-pod-name', 'p-9'), info)).toEqual({
      color: 'green',
      pod: 'p-9',
    });
    expect(readIdentity(null, '{"pod":"app-2","color":7}')).toEqual({ color: null, pod: 'app-2' });
  });

  it('names the pod from a body’s hostname when there is no x-pod-name or pod (the original lab server)', () => {
    const lab = JSON.stringify({ hostname: 'lab-6f7c-x2', message: 'hello' });
    expect(readIdentity(bytes('color', 'blue'), lab)).toEqual({ color: 'blue', pod: 'lab-6f7c-x2' });
    expect(readIdentity(null, lab)).toEqual({ color: null, pod: 'lab-6f7c-x2' });
    expect(readIdentity(null, '{"pod":"p-1","hostname":"h"}')).toEqual({ color: null, pod: 'p-1' });
    expect(readIdentity(bytes('x-pod-name', 'p-2'), lab)).toEqual({ color: null, pod: 'p-2' });
    expect(incomplete(readIdentity(bytes('color', 'blue')))).toBe(true);
    expect(incomplete(readIdentity(bytes('color', 'blue', 'x-pod-name', 'p')))).toBe(false);
  });

  it('leaves a body that is not an identity document unnamed', () => {
    for (const body of [
      '',
      'ok',
      '<html>',
      'null',
      '"blue"',
      '[1]',
      '{"color":1,"pod":null}',
      '{"name":"x"}',
    ]) {
      expect(readIdentity(null, body)).toBeNull();
    }
    const padded = JSON.stringify({ color: 'blue', pod: 'app-1', pad: 'x'.repeat(IDENTITY_BODY_LIMIT) });
    expect(readIdentity(null, padded)).toBeNull();
  });
});

describe('identity a hostile target sends', () => {
  it('cuts colour and pod names to IDENTITY_VALUE_LIMIT characters, from headers and bodies alike', () => {
    expect(IDENTITY_VALUE_LIMIT).toBe(128);
    const long = 'p'.repeat(12 * 1024);
    const fromHeaders = readIdentity(['x-pod-name', long, 'color', 'c'.repeat(500)])!;
    expect(fromHeaders.pod).toBe(`${'p'.repeat(127)}…`);
    expect(fromHeaders.color).toHaveLength(128);
    const fromBody = readIdentity(null, JSON.stringify({ pod: long.slice(0, 8000), color: 'blue' }))!;
    expect(fromBody).toEqual({ pod: `${'p'.repeat(127)}…`, color: 'blue' });
    // A cut never leaves half a surrogate pair.
    const emoji = readIdentity(['x-pod-name', `${'a'.repeat(126)}😀😀`])!.pod!;
    expect(emoji).toBe(`${'a'.repeat(126)}…`);
    expect(readIdentity(['x-pod-name', 'q'.repeat(128)])!.pod).toBe('q'.repeat(128));
  });

  it('returns a colour that is no colour as text: the page decides how to draw it with isColor', () => {
    const css = 'red;background-image:url(http://127.0.0.1:1/x);position:fixed';
    expect(readIdentity(['color', css])).toEqual({ color: css, pod: null });
    for (const good of ['blue', 'Green', '#f80', '#ff8800', '#ff880080', 'constructor']) {
      expect(isColor(good)).toBe(true);
    }
    for (const bad of [css, 'red ', 'rgb(1,2,3)', 'var(--x)', 'url(x)', '#12', 'a', '\u001b[2J', '']) {
      expect(isColor(bad)).toBe(false);
    }
  });

  it('is the rule the app checks COLOR with', () => {
    expect(parseColor(' Blue ', 'COLOR')).toBe('blue');
    expect(() => parseColor('red;position:fixed', 'COLOR')).toThrow(/not a CSS colour/);
    expect(() => parseColor('rgb(1,2,3)', 'COLOR')).toThrow(/not a CSS colour/);
  });
});
