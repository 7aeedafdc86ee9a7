import { describe, expect, it } from 'vitest';
import { spawnCli } from './helpers/cli.js';
import { packageVersion } from '../common/package-info.js';
import { parseDuration } from '../common/duration.js';

describe('bluegreen CLI entry', () => {
  it('prints its version and the subcommands', async () => {
    const version = spawnCli(['--version']);
    expect(await version.exited).toBe(0);
    expect(version.stdout().trim()).toBe(packageVersion);

    const help = spawnCli(['--help']);
    expect(await help.exited).toBe(0);
    for (const command of ['serve', 'load', 'demo']) expect(help.stdout()).toContain(command);
  });

  it('exits 2 with a message on an unknown command', async () => {
    const cli = spawnCli(['bogus']);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toMatch(/unknown command 'bogus'/);
  });
});

describe('parseDuration', () => {
  it('reads units, compounds and bare seconds', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('2')).toBe(2000);
  });

  it('rejects what is not a duration', () => {
    for (const bad of ['', 'abc', '5x', '-1s', '1s 2s', 's']) {
      expect(() => parseDuration(bad)).toThrow(/is not a duration/);
    }
  });
});
