import { describe, expect, it } from 'vitest';
import { resolveServeOptions } from '../../server/options.js';
import { UsageError } from '../../common/usage-error.js';

describe("serve's COLOR under npm", () => {
  // What npm (npx, npm exec, npm run) puts in the environment of what it runs, one marker at a time.
  it.each([
    { npm_command: 'exec' },
    { npm_lifecycle_event: 'npx' },
    { npm_execpath: '/opt/node/lib/node_modules/npm/bin/npm-cli.js' },
    { npm_config_user_agent: 'npm/11.0.0 node/v20.0.0 linux x64' },
  ])("takes COLOR=0 and COLOR=1 for npm's terminal colour, not the app's, under %j", (npm) => {
    expect(resolveServeOptions({}, { ...npm, COLOR: '0' }).color).toBe('blue');
    expect(resolveServeOptions({}, { ...npm, COLOR: '1' }).color).toBe('blue');
  });

  it('keeps any other COLOR under npm (one a script sets after npm), and the flag over both', () => {
    const npm = { npm_command: 'run-script' };
    expect(resolveServeOptions({}, { ...npm, COLOR: 'green' }).color).toBe('green');
    expect(resolveServeOptions({}, { ...npm, COLOR: '#00ff00' }).color).toBe('#00ff00');
    expect(() => resolveServeOptions({}, { ...npm, COLOR: '01' })).toThrow(/COLOR: "01" is not a CSS colour/);
    expect(resolveServeOptions({ color: 'red' }, { ...npm, COLOR: '0' }).color).toBe('red');
  });

  it('still refuses COLOR=0 outside npm, naming the variable', () => {
    expect(() => resolveServeOptions({}, { COLOR: '0' })).toThrow(UsageError);
    expect(() => resolveServeOptions({}, { COLOR: '1' })).toThrow(/^COLOR: "1" is not a CSS colour name/);
    // A variable merely named like npm's is not npm.
    expect(() => resolveServeOptions({}, { COLOR: '0', npm: 'x', NPM_TOKEN: 'x' })).toThrow(UsageError);
  });
});
