/**
 * Task colours: the Okabe–Ito palette (distinguishable with the common colour-vision
 * deficiencies), its yellow darkened for contrast on white. Past seven tasks the
 * colours repeat with a dash pattern, so 12 tasks stay apart without relying on hue.
 * Overall values (total loss, the average) are drawn thick in near-black.
 */
export const TASK_COLORS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#A08A00'];
export const DASHES: number[][] = [[], [8, 4], [2, 3], [10, 3, 2, 3]];
export const OVERALL_COLOR = '#1a1a1a';

export function taskColor(i: number): string {
  return TASK_COLORS[i % TASK_COLORS.length];
}

/** Canvas dash pattern of task `i` (solid for the first seven). */
export function taskDash(i: number): number[] {
  return DASHES[Math.floor(i / TASK_COLORS.length) % DASHES.length];
}

/** `#rrggbb` with an alpha, as `rgba(...)`. */
export function withAlpha(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
