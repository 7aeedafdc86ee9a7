/** Path parameters are checked by hand so a bad one gets a message naming it, its value and its bounds. */
export type Parsed = { ok: true; value: number } | { ok: false; message: string };

export function wholeNumber(raw: string | undefined, name: string, min: number, max: number): Parsed {
  const text = raw ?? '';
  if (!/^\d{1,16}$/.test(text)) {
    return { ok: false, message: `${name} "${text}" must be a whole number from ${min} to ${max}` };
  }
  const value = Number(text);
  if (value < min || value > max) {
    return { ok: false, message: `${name} ${value} is out of range: must be from ${min} to ${max}` };
  }
  return { ok: true, value };
}
