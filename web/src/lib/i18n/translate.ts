/**
 * Looks a key up in a catalogue and fills its `{name}` parameters. No plurals: every message is written so
 * that one form reads for any count ("failed: 3", "3 conns" is avoided). Pure.
 */
export type Params = Readonly<Record<string, string | number>>;

/** Fills `{name}` from params; a number is formatted by `number` (the locale's grouping). */
export function fill(template: string, params: Params | undefined, number: (n: number) => string): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? number(value) : value;
  });
}

/** The `{name}` parameters a message uses, for the catalogue tests. */
export function paramsOf(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}
