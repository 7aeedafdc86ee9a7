/**
 * Names a target chose, in the dashboard's stores: Object.prototype's member names are ordinary colours
 * and pods, and a colour that is no colour is drawn neutral (its text is still shown).
 */
import { describe, expect, it } from 'vitest';
import type { TickMessage } from '../../protocol/run.js';
import { NEUTRAL_COLOR, drawable, notAColor } from '../../web/src/lib/drawable.js';
import { BoxRing } from '../../web/src/lib/stores/boxes.js';
import { DashboardModel } from '../../web/src/lib/stores/dashboard.js';
import { recentByColor, shares } from '../../web/src/lib/stores/series.js';
import { BrowserTally } from '../../web/src/lib/stores/tally.js';
import { sample, tick } from '../helpers/ticks.js';

const HOSTILE = ['__proto__', 'constructor', 'toString'] as const;

/** A tick as the page receives it: JSON text, so `__proto__` is an own key as the loadtester sent it. */
function wireTick(seq: number): TickMessage {
  const byColor = '{"__proto__":1,"constructor":2,"toString":1}';
  const byPod = '{"__proto__":{"color":"constructor","count":1},"toString":{"color":"toString","count":3}}';
  const message = tick({ seq, byColor: JSON.parse(byColor), byPod: JSON.parse(byPod) });
  return JSON.parse(JSON.stringify(message)) as TickMessage;
}

describe("Object.prototype's names in the dashboard", () => {
  it('give exact run shares and chart points, never NaN or a function', () => {
    const m = new DashboardModel();
    for (let seq = 1; seq <= 3; seq++) m.apply(wireTick(seq));
    expect(Object.entries(m.runByColor)).toEqual([
      ['__proto__', 3],
      ['constructor', 6],
      ['toString', 3],
    ]);
    const run = shares(m.runByColor);
    expect(run.map((s) => [s.color, s.count, s.share])).toEqual([
      ['constructor', 6, 0.5],
      ['__proto__', 3, 0.25],
      ['toString', 3, 0.25],
    ]);
    const now = shares(recentByColor(m.series.points, 5));
    expect(now.map((s) => s.share)).toEqual([0.5, 0.25, 0.25]);
    expect(m.series.colors).toEqual([...HOSTILE]);
    for (const point of m.series.points) {
      for (const name of HOSTILE) {
        expect(typeof point.byColor[name]).toBe('number');
        expect(typeof point.ok[name]).toBe('number');
      }
    }
    const pods = m.pods.list();
    expect(pods.map((p) => [p.name, p.color, p.count])).toEqual([
      ['__proto__', 'constructor', 3],
      ['toString', 'toString', 9],
    ]);
  });

  it('count in the box grid and the browser mode’s own tally', () => {
    const ring = new BoxRing(10);
    for (const name of HOSTILE) ring.push(sample({ color: name, pod: name }));
    ring.push(sample({ color: 'constructor' }));
    expect(Object.entries(ring.counts().byColor)).toEqual([
      ['__proto__', 1],
      ['constructor', 2],
      ['toString', 1],
    ]);

    const tally = new BrowserTally(0);
    for (const name of HOSTILE) tally.add(sample({ color: name, pod: name }));
    tally.add(sample({ color: 'toString', pod: '__proto__' }));
    const t = JSON.parse(JSON.stringify(tally.tick(1000, 0, null))) as TickMessage;
    expect(Object.entries(t.bucket.byColor)).toEqual([
      ['__proto__', 1],
      ['constructor', 1],
      ['toString', 2],
    ]);
    expect(Object.entries(t.bucket.byPod)).toEqual([
      ['__proto__', { color: 'toString', count: 2 }],
      ['constructor', { color: 'constructor', count: 1 }],
      ['toString', { color: 'toString', count: 1 }],
    ]);
  });
});

describe('colours that are no colours', () => {
  it('are drawn neutral and marked; colours are drawn as they are', () => {
    const css = 'red;background-image:url(http://127.0.0.1:1/x);position:fixed;inset:0';
    expect(drawable(css)).toBe(NEUTRAL_COLOR);
    expect(notAColor(css)).toBe(true);
    expect(drawable('blue')).toBe('blue');
    expect(drawable('#ff8800')).toBe('#ff8800');
    expect(notAColor('blue')).toBe(false);
    expect(drawable(null)).toBe('transparent');
    expect(drawable(undefined, '')).toBe('');
    expect(notAColor(null)).toBe(false);
    // A word is handed to the browser, which ignores what it does not know.
    expect(drawable('constructor')).toBe('constructor');
  });
});
