// The epoch loop: fastai-style per-epoch metrics, cancellable between batches, tensor-tidy.
import type { EpochMetrics } from "./types";
import { Head } from "./head";
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

/** A training image for chooseL2: its views (the plain one first, then any augmented ones) and its label index. */
export interface ViewedItem {
  views: readonly Float32Array[];
  label: number;
}

export interface L2Options {
  /** L2 penalties to compare; at least one. */
  candidates: readonly number[];
  /** Inner folds. Default 3. */
  folds?: number;
  epochs: number;
  lr: number;
  batchSize?: number;
  hidden?: number;
  standardize: boolean;
  /** Seeds the folds, the heads' initialisation and their shuffling. */
  seed: number;
  signal?: AbortSignal;
}

export interface L2Choice {
  /** The candidate with the lowest held-out cross-entropy (the larger penalty on a tie). */
  l2: number;
  /** Per candidate, in the order given: mean held-out cross-entropy (nats) and error rate of the plain views. */
  scores: { l2: number; loss: number; errorRate: number }[];
}

/**
 * Chooses the head's L2 penalty by inner k-fold cross-validation on the training embeddings
 * (scikit-learn's LogisticRegressionCV idea, on the cached embeddings, so only heads train):
 * for each candidate, a head is trained on k-1 folds (all views of their images) and scored by
 * the cross-entropy of the held-out images' plain views; the candidate with the lowest mean wins.
 * Folds are stratified by label (seeded order, dealt round-robin), and an image's views always
 * share its fold. Cost: candidates × folds head fits on (k-1)/k of the data.
 * Throws when there are fewer images than 2 × folds or no candidate; AbortError when cancelled.
 */
export async function chooseL2(items: readonly ViewedItem[], numLabels: number, options: L2Options): Promise<L2Choice> {
  const folds = options.folds ?? 3;
  if (options.candidates.length === 0) throw new Error("choosing an L2 penalty needs at least one candidate");
  if (!Number.isInteger(folds) || folds < 2) throw new Error(`inner cross-validation needs a whole number of folds of at least 2; got ${folds}`);
  if (items.length < 2 * folds) throw new Error(`${items.length} image(s) are too few for ${folds}-fold cross-validation`);
  const random = seededRandom(options.seed);
  const fold = new Array<number>(items.length).fill(0);
  let offset = 0;
  for (let label = 0; label < numLabels; label++) {
    const members = shuffled(
      items.flatMap((it, i) => (it.label === label ? [i] : [])),
      random,
    );
    members.forEach((i, rank) => (fold[i] = (offset + rank) % folds));
    offset = (offset + members.length) % folds;
  }
  const scores: L2Choice["scores"] = [];
  for (const l2 of options.candidates) {
    let loss = 0;
    let wrong = 0;
    let scored = 0;
    for (let f = 0; f < folds; f++) {
      const train: LabeledEmbeddings = { x: [], y: [] };
      const held: LabeledEmbeddings = { x: [], y: [] };
      items.forEach((it, i) => {
        if (fold[i] === f) {
          held.x.push(it.views[0]);
          held.y.push(it.label);
        } else
          for (const v of it.views) {
            train.x.push(v);
            train.y.push(it.label);
          }
      });
      if (held.x.length === 0 || train.x.length === 0) continue;
      const head = Head.create(items[0].views[0].length, numLabels, { l2, lr: options.lr, hidden: options.hidden, standardize: options.standardize, seed: options.seed + f });
      try {
        head.fitStandardizer(train.x);
        await fitHead(head, train, { x: [], y: [] }, { epochs: options.epochs, batchSize: options.batchSize, seed: options.seed + f, signal: options.signal });
        const e = evaluate(head, held);
        loss += e.loss * held.x.length;
        wrong += e.errorRate * held.x.length;
        scored += held.x.length;
      } finally {
        head.dispose();
      }
    }
    scores.push({ l2, loss: loss / scored, errorRate: wrong / scored });
  }
  let best = scores[0];
  for (const s of scores) if (s.loss < best.loss || (s.loss === best.loss && s.l2 > best.l2)) best = s;
  return { l2: best.l2, scores };
}
