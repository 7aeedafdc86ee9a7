/** Which outcome kind each request error counts as. */
import { describe, expect, it } from 'vitest';
import { classifyError } from '../../loadtester/classify.js';

describe('classifyError', () => {
  it.each([
    ['ECONNREFUSED', 'refused'],
    ['ECONNRESET', 'reset'],
    ['EPIPE', 'reset'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ['UND_ERR_BODY_TIMEOUT', 'timeout'],
    ['UND_ERR_SOCKET', 'dropped'],
    ['UND_ERR_DESTROYED', 'dropped'],
    ['ENOTFOUND', 'other'],
    [undefined, 'other'],
  ])('%s → %s', (code, kind) => {
    expect(classifyError(Object.assign(new Error('x'), { code }))).toBe(kind);
  });
});
