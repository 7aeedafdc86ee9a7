import { describe, expect, it } from 'vitest';
import { emptyAttribution } from '../../protocol/outcomes.js';
import { attributionRows } from '../../web/src/lib/stores/attribution.js';
import { group } from '../helpers/ticks.js';

describe('attributionRows', () => {
  it('gives each colour its requests, share, failures, error rate and percentiles, most requests first', () => {
    const a = emptyAttribution();
    a.colors.green = group(90, 10, 8);
    a.colors.blue = group(300, 0, 4);
    const rows = attributionRows(a);
    expect(rows.map((r) => r.label)).toEqual(['blue', 'green']);
    expect(rows[0]).toMatchObject({ kind: 'color', requests: 300, share: 0.75, failed: 0, errorRate: 0 });
    expect(rows[0]).toMatchObject({ p50: 4, p99: 16 });
    expect(rows[1]).toMatchObject({
      requests: 100,
      share: 0.25,
      failed: 10,
      errorRate: 0.1,
      p50: 8,
      p99: 32,
    });
  });

  it('adds the front door and unknown rows only when they have requests', () => {
    const a = emptyAttribution();
    a.colors.blue = group(96);
    expect(attributionRows(a).map((r) => r.kind)).toEqual(['color']);
    a.frontDoor = group(0, 2);
    a.unknown.sent = 1;
    a.unknown.skipped = 1;
    a.unknown.errors.refused = 1;
    a.unknown.failed = 2;
    const rows = attributionRows(a);
    expect(rows.map((r) => r.kind)).toEqual(['color', 'front-door', 'unknown']);
    expect(rows[1]).toMatchObject({ label: 'front door', requests: 2, failed: 2, errorRate: 1, share: 0.02 });
    // Skipped requests were due: they count as requests and as failures.
    expect(rows[2]).toMatchObject({ label: 'unknown', requests: 2, failed: 2, p50: null, p99: null });
    expect(rows.reduce((n, r) => n + r.share, 0)).toBeCloseTo(1);
  });

  it('has no rows before any request', () => {
    expect(attributionRows(emptyAttribution())).toEqual([]);
  });
});
