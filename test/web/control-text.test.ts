import { describe, expect, it } from 'vitest';
import { controlDoneText } from '../../web/src/lib/control-text.js';
import { wordsFor } from '../../web/src/lib/i18n/index.js';

describe('what the run panel says when a control was carried out', () => {
  it('names what the control did', () => {
    const c = { type: 'control' } as const;
    expect(controlDoneText({ ...c, action: 'start' })).toBe('Started.');
    expect(controlDoneText({ ...c, action: 'stop' })).toBe('Stopped.');
    expect(controlDoneText({ ...c, action: 'set-rate', rate: 1500 })).toBe('Rate set to 1,500 req/s.');
    expect(controlDoneText({ ...c, action: 'set-recycle', afterRequests: 100 })).toBe(
      'Each connection now closes after 100 requests.',
    );
    expect(controlDoneText({ ...c, action: 'set-recycle', afterRequests: null })).toBe(
      'Connections are kept open.',
    );
    expect(controlDoneText({ ...c, action: 'set-weights', weights: { blue: 90, green: 10 } })).toBe(
      'Weights set: blue 90, green 10.',
    );
    expect(controlDoneText({ ...c, action: 'set-rate', rate: 50 }, wordsFor('ko'))).toBe(
      '속도를 50 요청/초로 바꿨습니다.',
    );
  });

  it('says only "Done." when it does not know which control was answered', () => {
    expect(controlDoneText(null)).toBe('Done.');
  });
});
