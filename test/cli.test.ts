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
    for (const command of ['serve', 'load', 'demo', 'check']) expect(help.stdout()).toContain(command);
  });

  it('exits 2 with a message on an unknown command', async () => {
    const cli = spawnCli(['bogus']);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toMatch(/unknown command 'bogus'/);
  });
});

describe('--help', () => {
  it.each(['serve', 'load', 'demo', 'check'])(
    '%s --help ends with examples and exit codes',
    async (command) => {
      const help = spawnCli([command, '--help']);
      expect(await help.exited).toBe(0);
      const text = help.stdout();
      expect(text).toMatch(/\nExamples:\n {2}bluegreen /);
      for (const line of text
        .slice(text.indexOf('Examples:'))
        .split('\n')
        .filter((l) => l.startsWith('  ')))
        expect(line, 'each example says what it does').toMatch(/^ {2}(\S+=\S+ )*bluegreen \S+.*\s# \S/);
      if (command !== 'serve') expect(text).toMatch(/Exit codes: 0 pass, 1 .*, 2 bad usage/);
    },
  );

  it('demo --help groups the load flags, leaves out --serve, and states the demo’s own defaults', async () => {
    const help = spawnCli(['demo', '--help']);
    expect(await help.exited).toBe(0);
    const text = help.stdout();
    const loadHeading = text.indexOf('Load options (as for `bluegreen load`):');
    expect(loadHeading).toBeGreaterThan(0);
    expect(text.indexOf('--rate <n>')).toBeGreaterThan(loadHeading);
    expect(text.indexOf('--strategy <name>')).toBeLessThan(loadHeading);
    expect(text).not.toMatch(/--serve\b/);
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain('default: until Ctrl-C; 60s with --headless');
    expect(flat).not.toContain('30s unless --requests');
  });

  it('serve --help names the kind of each argument', async () => {
    const help = spawnCli(['serve', '--help']);
    expect(await help.exited).toBe(0);
    for (const option of [
      '--port <port>',
      '--drain-seconds <seconds>',
      '--error-rate <ratio>',
      '--latency-ms <ms|min-max>',
    ])
      expect(help.stdout()).toContain(option);
    expect(help.stdout()).not.toContain('<value>');
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
