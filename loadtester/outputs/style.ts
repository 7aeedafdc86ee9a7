/**
 * Colour on a terminal: the report and live line mark what is good or bad (format.ts MARKS); on a TTY the
 * marks become ANSI colours, anywhere else they are dropped. NO_COLOR (https://no-color.org) and
 * `--no-color` turn colour off; TERM=dumb has none.
 */
import { MARKS } from '../report/format.js';

const ANSI: Record<string, string> = {
  [MARKS.end]: '\x1b[0m',
  [MARKS.good]: '\x1b[32m',
  [MARKS.bad]: '\x1b[1;31m',
  [MARKS.dim]: '\x1b[2m',
};
const ANY_MARK = new RegExp(`[${Object.values(MARKS).join('')}]`, 'g');

export function wantsColor(
  out: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
  flag: boolean,
): boolean {
  if (!flag || out.isTTY !== true) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}

/** `text` with its marks as colours, or without them. */
export function styled(text: string, color: boolean): string {
  return text.replace(ANY_MARK, (mark) => (color ? ANSI[mark]! : ''));
}
