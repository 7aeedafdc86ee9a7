/**
 * Colour names come from targets we do not control. Only a name the app itself would accept as its COLOR
 * (isColor) is put into CSS or a canvas; any other name is still shown as text, drawn in a neutral grey.
 * No DOM here, so it is tested directly.
 */
import { isColor } from '$protocol/identity.js';

export const NEUTRAL_COLOR = '#9e9e9e';

/** What may go into a style for a colour name: the name when it is a colour, else NEUTRAL_COLOR. */
export function drawable(color: string | null | undefined, none = 'transparent'): string {
  if (color === null || color === undefined || color === '') return none;
  return isColor(color) ? color : NEUTRAL_COLOR;
}

/** A name shown as a colour's label but not drawn in it (see drawable). */
export function notAColor(color: string | null | undefined): boolean {
  return typeof color === 'string' && color !== '' && !isColor(color);
}
