// The epoch loop: fastai-style per-epoch metrics, cancellable between batches, tensor-tidy.
import type { EpochMetrics } from "./types";
import type { Head } from "./head";
import { argmax, crossEntropy } from "./metrics";
import { throwIfAborted } from "../shared/abort";

export interface LabeledEmbeddings {
  x: Float32Array[];
  /** Label index of each embedding. */
  y: number[];
}

export interface FitOptions {
  epochs: number;
  batchSize?: number;
  /** Seeds the shuffling of each epoch. */
  seed: number;
  signal?: AbortSignal;
  /** Called after each epoch. */
  onEpoch?: (metrics: EpochMetrics) => void;
}

import { seededRandom, shuffled } from "../shared/random";
import { macrotask } from "../shared/yield";

export { seededRandom, shuffled };



/** Mean cross-entropy and error rate of the head on a labelled set; NaN for an empty set. */
export function evaluate(head: Head, data: LabeledEmbeddings): { loss: number; errorRate: number; probabilities: Float32Array[] } {
  if (data.x.length === 0) return { loss: NaN, errorRate: NaN, probabilities: [] };
  const probabilities = head.predict(data.x);
  let loss = 0;
  let wrong = 0;
  probabilities.forEach((p, i) => {
    loss += crossEntropy(p, data.y[i]);
    if (argmax(p) !== data.y[i]) wrong++;
  });
  return { loss: loss / probabilities.length, errorRate: wrong / probabilities.length, probabilities };
}

/**
 * Trains `head` for `epochs` passes over `train` in shuffled mini-batches. valid_loss and
 * error_rate are NaN (null in JSON) when `valid` is empty. Throws AbortError when cancelled.
 */
export async function fitHead(head: Head, train: LabeledEmbeddings, valid: LabeledEmbeddings, options: FitOptions): Promise<EpochMetrics[]> {
  if (train.x.length === 0) throw new Error("There are no training images.");
  if (train.x.length !== train.y.length) throw new Error("Embeddings and labels differ in number.");
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 32));
  const random = seededRandom(options.seed);
  const order = train.x.map((_, i) => i);
  const history: EpochMetrics[] = [];
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const started = Date.now();
    const indices = shuffled(order, random);
    let lossSum = 0;
    let batches = 0;
    for (let start = 0; start < indices.length; start += batchSize) {
      throwIfAborted(options.signal);
      const batch = indices.slice(start, start + batchSize);
      lossSum += head.trainBatch(
        batch.map((i) => train.x[i]),
        batch.map((i) => train.y[i]),
      );
      batches++;
      // Lets a pending abort (a click on Cancel, a timer) run between batches.
      await macrotask();
    }
    throwIfAborted(options.signal);
    const { loss, errorRate } = evaluate(head, valid);
    const metrics: EpochMetrics = {
      epoch,
      train_loss: lossSum / batches,
      valid_loss: loss,
      error_rate: errorRate,
      seconds: (Date.now() - started) / 1000,
    };
    history.push(metrics);
    options.onEpoch?.(metrics);
  }
  return history;
}
