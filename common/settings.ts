/**
 * The settings kit: each command describes its settings once, in a table (flag, env variable, default,
 * parser, help). The table gives commander its options and --help text, and resolves the values:
 * a flag wins over its env variable, the env variable over the default. An empty env variable counts as
 * unset. A bad value is a UsageError that names where it came from (the flag or the env variable).
 */
import { Option, type Command } from 'commander';
import type { Parse } from './parsers.js';

interface Described {
  /** The long flag, e.g. `--rate`; errors name it. */
  readonly flag: string;
  /** A one-letter alias, e.g. `-r`. */
  readonly short: string | null;
  readonly help: string;
}

/** A setting with a value: from its flag, else its env variable, else its default (null = none). */
export interface ValueSetting<T> extends Described {
  readonly kind: 'value';
  /** `<n>`, or `[port]` when the flag may come without a value (then the default is used). */
  readonly arg: string;
  readonly env: string | null;
  /** Raw text, parsed like any input; null: the value is null unless given. */
  readonly default: string | null;
  /** What --help says about the default when the code decides it from other settings. */
  readonly shownDefault: string | null;
  readonly parse: Parse<T>;
}

/** A flag without a value: `--quiet` is false unless given, `--no-keepalive` true unless given. */
export interface ToggleSetting extends Described {
  readonly kind: 'toggle';
  readonly env: null;
}

/**
 * A repeatable flag (`-H a:1 -H b:2`); each occurrence is parsed on its own. With an env variable, its
 * value counts as one occurrence when the flag is not given.
 */
export interface ListSetting<T> extends Described {
  readonly kind: 'list';
  readonly arg: string;
  readonly env: string | null;
  readonly parse: Parse<T>;
}

// `any` lets a table hold settings of different value types; each keeps its own type in SettingValues.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySetting = ValueSetting<any> | ToggleSetting | ListSetting<any>;
export type SettingsTable = Readonly<Record<string, AnySetting>>;

export type SettingValue<S> = S extends ToggleSetting
  ? boolean
  : S extends ListSetting<infer T>
    ? T[]
    : S extends ValueSetting<infer T>
      ? T
      : never;
export type SettingValues<T extends SettingsTable> = { -readonly [K in keyof T]: SettingValue<T[K]> };

interface ValueSpec<T> {
  flag: string;
  short?: string;
  /** Defaults to `<value>`. */
  arg?: string;
  env?: string | null;
  help: string;
  parse: Parse<T>;
}

function valueSetting<T>(
  spec: ValueSpec<T>,
  defaults: { raw: string | null; shown: string | null },
): ValueSetting<T> {
  return {
    kind: 'value',
    flag: spec.flag,
    short: spec.short ?? null,
    arg: spec.arg ?? '<value>',
    env: spec.env ?? null,
    default: defaults.raw,
    shownDefault: defaults.shown,
    help: spec.help,
    parse: spec.parse,
  };
}

/** A setting that always has a value: `default` is its raw text, written here once. */
export function value<T>(spec: ValueSpec<T> & { default: string }): ValueSetting<T> {
  return valueSetting(spec, { raw: spec.default, shown: null });
}

/** A setting that is null unless given; `shownDefault` tells --help what the code does then. */
export function optional<T>(spec: ValueSpec<T> & { shownDefault?: string }): ValueSetting<T | null> {
  return valueSetting<T | null>(spec, { raw: null, shown: spec.shownDefault ?? null });
}

export function toggle(spec: { flag: string; short?: string; help: string }): ToggleSetting {
  return { kind: 'toggle', flag: spec.flag, short: spec.short ?? null, env: null, help: spec.help };
}

export function list<T>(spec: {
  flag: string;
  short?: string;
  arg: string;
  env?: string;
  help: string;
  parse: Parse<T>;
}): ListSetting<T> {
  return {
    kind: 'list',
    flag: spec.flag,
    short: spec.short ?? null,
    arg: spec.arg,
    env: spec.env ?? null,
    help: spec.help,
    parse: spec.parse,
  };
}

function optionFlags(s: AnySetting): string {
  const names = s.short ? `${s.short}, ${s.flag}` : s.flag;
  return s.kind === 'toggle' ? names : `${names} ${s.arg}`;
}

/** The help line: the setting's text, then its env variable and default (`shown` overrides the default's text). */
export function helpText(s: AnySetting, shown?: string): string {
  if (s.kind === 'list') return s.env ? `${s.help} (env: ${s.env})` : s.help;
  if (s.kind !== 'value') return s.help;
  const defaultText = shown ?? s.shownDefault ?? s.default ?? 'none';
  return `${s.help} (${s.env ? `env: ${s.env}, ` : ''}default: ${defaultText})`;
}

/** How another command borrows a table (the demo takes the load flags). */
export interface AddSettingsOptions<T extends SettingsTable> {
  /** A heading the options are listed under in --help. */
  heading?: string;
  /** Settings that do not apply to this command: not offered, so they keep their defaults. */
  omit?: readonly (keyof T)[];
  /** What --help says of a default this command decides differently. */
  shown?: Partial<Record<keyof T, string>>;
}

/** Adds the table's settings to a command as options, in table order. */
export function addSettings<T extends SettingsTable>(
  command: Command,
  table: T,
  options: AddSettingsOptions<T> = {},
): Command {
  for (const [key, s] of Object.entries(table) as [keyof T & string, AnySetting][]) {
    if (options.omit?.includes(key)) continue;
    const option = new Option(optionFlags(s), helpText(s, options.shown?.[key]));
    if (s.kind === 'list')
      option.argParser((item: string, previous: string[] | undefined) => [...(previous ?? []), item]);
    if (options.heading) option.helpGroup(options.heading);
    command.addOption(option);
  }
  return command;
}

/** An "Examples:" block for the end of --help: each command line with what it does. */
export function examples(lines: readonly (readonly [command: string, what: string])[]): string {
  const width = Math.max(...lines.map(([command]) => command.length));
  return `\nExamples:\n${lines.map(([command, what]) => `  ${command.padEnd(width)}  # ${what}`).join('\n')}`;
}

/** The env variables a table reads. */
export function envNames(table: SettingsTable): string[] {
  return Object.values(table).flatMap((s) => (s.env ? [s.env] : []));
}

/** What commander parsed (keys are its attribute names: `--max-p99` → `maxP99`). */
export type Flags = Readonly<Record<string, unknown>>;
export type Env = Readonly<Record<string, string | undefined>>;

export interface Resolved<T extends SettingsTable> {
  values: SettingValues<T>;
  /** The settings set by a flag or an env variable (not left to their default). */
  given: ReadonlySet<keyof T>;
}

export function resolveSettings<T extends SettingsTable>(table: T, flags: Flags, env: Env): Resolved<T> {
  const values: Record<string, unknown> = {};
  const given = new Set<keyof T>();
  for (const [key, s] of Object.entries(table)) {
    const fromFlag = flags[new Option(optionFlags(s)).attributeName()];
    if (s.kind === 'toggle') {
      const negated = s.flag.startsWith('--no-');
      values[key] = typeof fromFlag === 'boolean' ? fromFlag : negated;
      if (values[key] !== negated) given.add(key);
      continue;
    }
    if (s.kind === 'list') {
      const items = Array.isArray(fromFlag) ? (fromFlag as unknown[]).map(String) : [];
      const fromEnv = s.env ? env[s.env] : undefined;
      if (items.length === 0 && fromEnv) values[key] = [s.parse(fromEnv, s.env!)];
      else values[key] = items.map((item) => s.parse(item, s.flag));
      if (items.length > 0 || fromEnv) given.add(key);
      continue;
    }
    const fromEnv = s.env ? env[s.env] : undefined;
    let raw = s.default;
    let source = s.flag;
    if (typeof fromFlag === 'string') raw = fromFlag;
    else if (fromFlag === undefined && fromEnv) [raw, source] = [fromEnv, s.env!];
    // A flag given without its optional value (`--ui`) is given, with the default value.
    if (fromFlag !== undefined || source !== s.flag) given.add(key);
    values[key] = raw === null ? null : s.parse(raw, source);
  }
  return { values: values as SettingValues<T>, given };
}
