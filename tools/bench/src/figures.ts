/** `value` rounded to `digits` decimals, for the JSON line (a ratio does not need 15 digits). */
export function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** How a figure is shown next to its target: the target, and `target not met` when it is missed. */
export function verdict(met: boolean, target: string): string {
  return met ? `(target ${target})` : `(target ${target}: target not met)`;
}
