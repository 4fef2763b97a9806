// A second opinion for the k-fold heads: each held-out image's label distribution among its k
// most similar training images (cosine similarity of the embeddings, standardised with the
// training part's statistics when the head standardises too). A linear head draws one straight
// boundary per label and so partly learns the wrong labels it is trained on; a neighbour vote
// is local and is outvoted by a few wrong neighbours only. Averaged with the head's
// probabilities it ranks wrong labels better (figures in kfold.ts).
import { standardized, standardizerOf } from "../classifier/standardize";
import { macrotask } from "../shared/yield";
import { throwIfAborted } from "../shared/abort";
import { dot, unitVector } from "./duplicates";

/** Queries scored between two yields to the event loop (about 10–20 ms on 1,000 × 576-d). */
const QUERIES_PER_SLICE = 16;

/**
 * Per query: the share of each label among its `k` nearest training embeddings, smoothed by
 * 1/k of a vote spread evenly over the labels (so no label gets probability 0):
 * p_c = (votes_c + 1/(k·L)) / (k + 1/k). Ties in similarity go to the earlier training item.
 */
export async function neighbourProbabilities(
  trainX: readonly Float32Array[],
  trainY: readonly number[],
  queryX: readonly Float32Array[],
  numLabels: number,
  options: { k: number; standardize: boolean },
  signal?: AbortSignal,
): Promise<Float32Array[]> {
  if (trainX.length !== trainY.length) throw new Error(`${trainX.length} training embeddings for ${trainY.length} labels`);
  if (!Number.isInteger(options.k) || options.k < 1) throw new Error(`the number of neighbours must be a whole number of at least 1; got ${options.k}`);
  if (trainX.length === 0) throw new Error("a neighbour vote needs training embeddings");
  const k = Math.min(options.k, trainX.length);
  const stats = options.standardize ? standardizerOf(trainX) : null;
  const unit = (e: Float32Array): Float32Array => unitVector(stats ? standardized(e, stats) : e);
  const train = trainX.map(unit);
  const queries = queryX.map(unit);
  const dim = train[0].length;
  const out: Float32Array[] = [];
  const bestSim = new Float64Array(k);
  const bestIdx = new Int32Array(k);
  for (let q = 0; q < queries.length; q++) {
    if (q > 0 && q % QUERIES_PER_SLICE === 0) {
      await macrotask();
      throwIfAborted(signal);
    }
    const a = queries[q];
    if (a.length !== dim) throw new Error(`embedding of size ${a.length} among ${dim}-d ones`);
    // Keep the k best in a small array sorted by similarity, descending.
    let filled = 0;
    for (let t = 0; t < train.length; t++) {
      const s = dot(a, train[t]);
      if (filled === k && s <= bestSim[k - 1]) continue;
      let pos = filled === k ? k - 1 : filled++;
      while (pos > 0 && bestSim[pos - 1] < s) {
        bestSim[pos] = bestSim[pos - 1];
        bestIdx[pos] = bestIdx[pos - 1];
        pos--;
      }
      bestSim[pos] = s;
      bestIdx[pos] = t;
    }
    const p = new Float32Array(numLabels).fill(1 / (k * numLabels));
    for (let r = 0; r < filled; r++) p[trainY[bestIdx[r]]] += 1;
    const total = filled + 1 / k;
    for (let c = 0; c < numLabels; c++) p[c] /= total;
    out.push(p);
  }
  return out;
}
