// Small statistics shared by the bench sections.

/** The median of `values` (the mean of the two middle ones for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `n` rounded to 2 decimals, as the bench prints milliseconds. */
export const round2 = (n: number): number => Math.round(n * 100) / 100;
