/**
 * Colours are whatever CSS colour the app reports (blue, aqua, #ff8800…). Canvas needs them with an alpha
 * for area fills, so each is resolved once through a 2D context (which understands every CSS colour).
 */
const cache = new Map<string, [number, number, number]>();
let context: CanvasRenderingContext2D | null = null;

export const FAILURE_COLOR = '#d62728';
export const UNLABELLED_COLOR = '#9e9e9e';

export function rgb(color: string): [number, number, number] {
  const hit = cache.get(color);
  if (hit) return hit;
  context ??= document.createElement('canvas').getContext('2d');
  let value: [number, number, number] = [158, 158, 158];
  if (context) {
    context.fillStyle = '#9e9e9e';
    context.fillStyle = color;
    const resolved = String(context.fillStyle);
    const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(resolved);
    const fn = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/i.exec(resolved);
    const m = hex ?? fn;
    if (m) {
      const base = hex ? 16 : 10;
      value = [parseInt(m[1]!, base), parseInt(m[2]!, base), parseInt(m[3]!, base)];
    }
  }
  if (cache.size < 256) cache.set(color, value);
  return value;
}

export function rgba(color: string, alpha: number): string {
  const [r, g, b] = rgb(color);
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/** A diagonal hatch, so failures read as failures without relying on red. */
export function hatch(color: string, background = 'rgba(214, 39, 40, 0.35)'): CanvasPattern | string {
  const tile = document.createElement('canvas');
  tile.width = 8;
  tile.height = 8;
  const ctx = tile.getContext('2d');
  if (!ctx) return background;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, 8, 8);
  ctx.strokeStyle = color;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(0, 8);
  ctx.lineTo(8, 0);
  ctx.moveTo(-2, 2);
  ctx.lineTo(2, -2);
  ctx.moveTo(6, 10);
  ctx.lineTo(10, 6);
  ctx.stroke();
  return ctx.createPattern(tile, 'repeat') ?? background;
}

const failureHatches = new Map<string, CanvasPattern | string>();

/** Red hatching over a tint of `over` (a colour's band, or grey): a failure that still reads as whose it is. */
export function failureHatch(over: string): CanvasPattern | string {
  let pattern = failureHatches.get(over);
  if (pattern === undefined) {
    pattern = hatch(FAILURE_COLOR, rgba(over, 0.3));
    if (failureHatches.size < 64) failureHatches.set(over, pattern);
  }
  return pattern;
}
