/** The terminal output: progress bar and live line, free of control codes. */
import { describe, expect, it } from 'vitest';
import { Tally } from '../../loadtester/tally.js';
import { liveLine, progressBar } from '../../loadtester/format.js';

describe('format', () => {
  it('renders a bar and a live line without control codes', () => {
    expect(progressBar(0.5, '5s/10s', 10)).toBe('[#####-----]  50%  5s/10s');
    const t = new Tally();
    t.sent();
    t.response(200, 'blue', 'b', 1, 1);
    const { bucket, total } = t.flush(1000);
    const line = liveLine({
      type: 'tick',
      seq: 0,
      t: 0,
      elapsedMs: 1000,
      intervalMs: 1000,
      bucket,
      total,
      inFlight: 0,
      askedRate: 1,
    });
    expect(line).toMatch(/1 req\/s {2}blue 100% {2}p50 1\.00ms/);
    // eslint-disable-next-line no-control-regex
    expect(line).not.toMatch(/\x1b/);
  });
});
