/** The UI server's path handling: the stream under any prefix, files tried without leading segments. */
import { describe, expect, it } from 'vitest';
import { candidateFiles, isStreamPath } from '../../loadtester/ui-server.js';

describe('UI paths', () => {
  it('accepts the stream under any prefix', () => {
    expect(isStreamPath('/api/stream')).toBe(true);
    expect(isStreamPath('/dashboard/api/stream')).toBe(true);
    expect(isStreamPath('/api/streams')).toBe(false);
  });
  it('tries the path, then without each leading segment', () => {
    expect(candidateFiles('/dashboard/assets/a.js')).toEqual([
      'dashboard/assets/a.js',
      'assets/a.js',
      'a.js',
    ]);
    expect(candidateFiles('/dashboard/')).toEqual(['dashboard/index.html', 'index.html']);
    expect(candidateFiles('/')).toEqual(['index.html']);
  });
});
