import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { oneOf, port, wholeNumber } from '../../common/parsers.js';
import {
  addSettings,
  envNames,
  helpText,
  list,
  optional,
  resolveSettings,
  toggle,
  value,
  type SettingsTable,
} from '../../common/settings.js';
import { UsageError } from '../../common/usage-error.js';
import { DEMO_TABLE } from '../../demo/options.js';
import { LOAD_TABLE } from '../../loadtester/options.js';
import { SERVE_TABLE } from '../../server/options.js';

const TABLE = {
  count: value({
    flag: '--count',
    short: '-c',
    arg: '<n>',
    env: 'T_COUNT',
    default: '3',
    help: 'how many',
    parse: wholeNumber(1, 10),
  }),
  mode: value({
    flag: '--mode',
    arg: '<name>',
    default: 'fast',
    help: 'speed',
    parse: oneOf(['fast', 'slow']),
  }),
  limit: optional({
    flag: '--limit',
    arg: '<n>',
    env: 'T_LIMIT',
    help: 'upper bound',
    parse: wholeNumber(0),
  }),
  window: optional({
    flag: '--window',
    arg: '<n>',
    shownDefault: 'count times two',
    help: 'window size',
    parse: wholeNumber(0),
  }),
  ui: value({
    flag: '--ui',
    arg: '[port]',
    env: 'T_UI',
    default: '8090',
    help: 'dashboard port',
    parse: port,
  }),
  quiet: toggle({ flag: '--quiet', short: '-q', help: 'say less' }),
  keepalive: toggle({ flag: '--no-keepalive', help: 'a fresh connection each time' }),
  tag: list({ flag: '--tag', arg: '<text>', help: 'a tag (repeatable)', parse: (raw) => raw.toUpperCase() }),
};

/** Parses `args` with commander, as the CLI does, and resolves them against `env`. */
function run(args: string[], env: Record<string, string> = {}) {
  const command = addSettings(new Command('t').exitOverride(), TABLE);
  command.parse(args, { from: 'user' });
  return resolveSettings(TABLE, command.opts(), env);
}

describe('the settings kit', () => {
  it('takes the flag over the env variable, and the env variable over the default', () => {
    expect(run([]).values).toMatchObject({ count: 3, mode: 'fast', limit: null, ui: 8090 });
    expect(run([], { T_COUNT: '5', T_LIMIT: '7' }).values).toMatchObject({ count: 5, limit: 7 });
    expect(run(['-c', '9', '--limit', '1'], { T_COUNT: '5', T_LIMIT: '7' }).values).toMatchObject({
      count: 9,
      limit: 1,
    });
  });

  it('treats an empty env variable as unset', () => {
    expect(run([], { T_COUNT: '' }).values.count).toBe(3);
  });

  it('reports which settings were given, by flag or env', () => {
    expect([...run([]).given]).toEqual([]);
    expect([...run(['--mode', 'slow'], { T_LIMIT: '2' }).given].sort()).toEqual(['limit', 'mode']);
  });

  it('gives a flag without its optional value the default, and counts it as given', () => {
    const resolved = run(['--ui']);
    expect(resolved.values.ui).toBe(8090);
    expect(resolved.given.has('ui')).toBe(true);
    expect(run(['--ui', '9000']).values.ui).toBe(9000);
  });

  it('resolves toggles, negated toggles and repeatable flags', () => {
    expect(run([]).values).toMatchObject({ quiet: false, keepalive: true, tag: [] });
    expect(run(['-q', '--no-keepalive', '--tag', 'a', '--tag', 'b']).values).toMatchObject({
      quiet: true,
      keepalive: false,
      tag: ['A', 'B'],
    });
  });

  it('names the flag or the env variable a bad value came from', () => {
    expect(() => run(['--count', '11'])).toThrow(UsageError);
    expect(() => run(['--count', '11'])).toThrow('--count: "11" must be a whole number from 1 to 10');
    expect(() => run([], { T_COUNT: 'many' })).toThrow('T_COUNT: "many" must be a whole number from 1 to 10');
    expect(() => run(['--mode', 'warp'])).toThrow('--mode: "warp" must be one of fast, slow');
    expect(() => run([], { T_UI: '70000' })).toThrow(/^T_UI: "70000"/);
  });

  it('writes --help from the table: env variable and default, or what the code decides', () => {
    expect(helpText(TABLE.count)).toBe('how many (env: T_COUNT, default: 3)');
    expect(helpText(TABLE.mode)).toBe('speed (default: fast)');
    expect(helpText(TABLE.limit)).toBe('upper bound (env: T_LIMIT, default: none)');
    expect(helpText(TABLE.window)).toBe('window size (default: count times two)');
    expect(helpText(TABLE.quiet)).toBe('say less');
    const help = addSettings(new Command('t'), TABLE).helpInformation().replace(/\s+/g, ' ');
    for (const text of [
      '-c, --count <n> how many (env: T_COUNT, default: 3)',
      '--ui [port] dashboard port (env: T_UI, default: 8090)',
      '-q, --quiet say less',
      '--no-keepalive a fresh connection each time',
      '--tag <text> a tag (repeatable)',
    ]) {
      expect(help).toContain(text);
    }
  });

  it('lists the env variables a table reads', () => {
    expect(envNames(TABLE)).toEqual(['T_COUNT', 'T_LIMIT', 'T_UI']);
  });
});

describe("the commands' tables", () => {
  const tables: Record<string, SettingsTable> = { serve: SERVE_TABLE, load: LOAD_TABLE, demo: DEMO_TABLE };

  it.each(Object.entries(tables))('%s: every default parses', (_, table) => {
    for (const s of Object.values(table)) {
      if (s.kind === 'value' && s.default !== null) expect(() => s.parse(s.default!, s.flag)).not.toThrow();
    }
  });

  it.each(Object.entries(tables))('%s: flags and env variables are unique', (_, table) => {
    const flags = Object.values(table).map((s) => s.flag);
    expect(new Set(flags).size).toBe(flags.length);
    expect(new Set(envNames(table)).size).toBe(envNames(table).length);
  });

  it("the demo passes the app's own settings to its pods", () => {
    expect(DEMO_TABLE.drainSeconds.env).toBe(SERVE_TABLE.drainSeconds.env);
    expect(DEMO_TABLE.startDelaySeconds.flag).toBe(SERVE_TABLE.startDelaySeconds.flag);
    // demo and load share one command: no flag may mean two things.
    const demoFlags = Object.values(DEMO_TABLE).map((s) => s.flag);
    expect(Object.values(LOAD_TABLE).filter((s) => demoFlags.includes(s.flag))).toEqual([]);
  });
});
