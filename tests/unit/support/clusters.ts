// Synthetic embeddings for the cleaner's tests: Gaussian clusters, one per label.
import { seededRandom } from "../../../src/classifier/train";

/** `perClass` points around each of `classes` random centres in `dim` dimensions (non-negative, like post-ReLU embeddings). */
export function clusters(classes: number, perClass: number, dim: number, spread: number, seed: number): { x: Float32Array[]; y: number[] } {
  const random = seededRandom(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const centres = Array.from({ length: classes }, () => Float32Array.from({ length: dim }, () => random() * 3));
  const x: Float32Array[] = [];
  const y: number[] = [];
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < perClass; i++) {
      x.push(Float32Array.from(centres[c], (v) => Math.max(0, v + gauss() * spread)));
      y.push(c);
    }
  }
  return { x, y };
}
