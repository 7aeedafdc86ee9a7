import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CSV_HEADER,
  csvField,
  TimelineFile,
  timelineRows,
  type TimelineRow,
} from '../../loadtester/outputs/timeline-rows.js';
import { syntheticRun } from '../helpers/run-ticks.js';

const dir = mkdtempSync(join(tmpdir(), 'bluegreen-timeline-rows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('timelineRows', () => {
  it('puts every request of an interval in exactly one row', () => {
    const { ticks, tally } = syntheticRun({ seconds: 15, rate: 100, pods: 4 });
    const rows = ticks.flatMap(timelineRows);
    const sum = (key: keyof TimelineRow): number => rows.reduce((n, r) => n + (r[key] as number), 0);
    expect(sum('requests')).toBe(tally.total.sent);
    const skipped = ticks.reduce((n, t) => n + t.bucket.skipped.backoff + t.bucket.skipped.busy, 0);
    expect(skipped).toBeGreaterThan(0);
    expect(sum('skipped')).toBe(skipped);
    expect(sum('failed')).toBe(tally.total.failed + skipped);
    expect(sum('timeouts')).toBe(tally.total.timeouts);
    expect(sum('status_5xx')).toBe(tally.total.responses['5xx']);
    expect(new Set(rows.map((r) => r.group))).toEqual(new Set(['color', 'front-door', 'unknown']));
    const empty = rows.find((r) => r.group === 'unknown' && r.requests === 0);
    expect(empty?.p50).toBeNull();
  });
});

describe('csvField', () => {
  it('quotes what CSV needs quoted and defuses formulas', () => {
    expect(csvField('blue')).toBe('blue');
    expect(csvField(12.5)).toBe('12.5');
    expect(csvField(null)).toBe('');
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-1')).toBe("'-1");
  });
});

describe('TimelineFile', () => {
  it('writes CSV with a header, or NDJSON, by the extension', () => {
    const { ticks } = syntheticRun({ seconds: 3, rate: 50, pods: 2 });
    const rows = ticks.flatMap(timelineRows);
    for (const name of ['t.csv', 't.ndjson']) {
      const file = TimelineFile.open(join(dir, name));
      for (const tick of ticks) file.write(tick);
      file.finish();
      const text = readFileSync(join(dir, name), 'utf8');
      if (name.endsWith('.csv')) {
        expect(text.startsWith(CSV_HEADER)).toBe(true);
        expect(text.trimEnd().split('\r\n')).toHaveLength(rows.length + 1);
      } else {
        expect(
          text
            .trimEnd()
            .split('\n')
            .map((l) => JSON.parse(l) as TimelineRow),
        ).toEqual(rows);
      }
    }
  });

  it('keeps the previous file whole until the run is complete; a run that dies leaves its rows in FILE.partial', () => {
    const { ticks } = syntheticRun({ seconds: 2, rate: 50, pods: 2 });
    const path = join(dir, 'kept.csv');
    writeFileSync(path, 'the previous run\r\n');
    const dying = TimelineFile.open(path);
    dying.write(ticks[0]!);
    expect(readFileSync(path, 'utf8')).toBe('the previous run\r\n');
    dying.abandon();
    expect(readFileSync(path, 'utf8')).toBe('the previous run\r\n');
    expect(readFileSync(`${path}.partial`, 'utf8').startsWith(CSV_HEADER)).toBe(true);

    const whole = TimelineFile.open(path);
    for (const tick of ticks) whole.write(tick);
    whole.finish();
    expect(readFileSync(path, 'utf8').trimEnd().split('\r\n')).toHaveLength(
      ticks.flatMap(timelineRows).length + 1,
    );
    expect(existsSync(`${path}.partial`)).toBe(false);
  });
});
