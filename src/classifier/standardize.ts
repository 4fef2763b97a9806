// Per-dimension standardisation statistics of a set of embeddings, shared by the head (which
// standardises its inputs) and the cleaner's nearest-neighbour vote (which compares images in
// the same standardised space). Pure: no tfjs.

/** Smallest deviation a standardised dimension may have, as a fraction of the mean deviation. */
export const STD_FLOOR = 0.05;

export interface Standardizer {
  mean: Float32Array;
  std: Float32Array;
}

/**
 * Mean and deviation of every dimension over `embeddings` (at least one). Constant dimensions
 * (dead ReLUs) get deviation 1 so they stay 0 instead of blowing up. Nearly constant ones (a
 * few training images) are floored at STD_FLOOR of the typical spread: otherwise a new image
 * with a small value there is scaled into a huge one and decides alone.
 */
export function standardizerOf(embeddings: readonly ArrayLike<number>[]): Standardizer {
  if (embeddings.length === 0) throw new Error("standardising needs at least one embedding");
  const dim = embeddings[0].length;
  const mean = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (const e of embeddings) for (let j = 0; j < dim; j++) mean[j] += e[j];
  for (let j = 0; j < dim; j++) mean[j] /= embeddings.length;
  for (const e of embeddings) for (let j = 0; j < dim; j++) sq[j] += (e[j] - mean[j]) ** 2;
  const sds = Array.from(sq, (s) => Math.sqrt(s / embeddings.length));
  const meanSd = sds.reduce((a, b) => a + b, 0) / Math.max(1, dim);
  const floor = Math.max(1e-6, STD_FLOOR * meanSd);
  return { mean: Float32Array.from(mean), std: Float32Array.from(sds, (sd) => (sd > 1e-6 ? Math.max(sd, floor) : 1)) };
}

/** (e − mean) / std, dimension by dimension. */
export function standardized(e: ArrayLike<number>, s: Standardizer): Float32Array {
  const out = new Float32Array(e.length);
  for (let j = 0; j < e.length; j++) out[j] = (e[j] - s.mean[j]) / s.std[j];
  return out;
}
