// Out-of-fold probabilities: every image is scored by a head that never saw it.
//
// fastai's cleaner ranks by the loss of the model that trained on the very images it ranks;
// a linear head on 1,280-d embeddings memorises a wrong label easily, so in-sample loss hides
// exactly the errors we look for. Here the head is trained k times (cleanlab's
// cross-validated pred_probs), each time on k-1 folds, and predicts the fold it left out,
// averaged with a vote of the held-out image's nearest neighbours in those k-1 folds.
import { hash32 } from "../shared/hash";
import { Head } from "../classifier/head";
import { fitHead, type LabeledEmbeddings } from "../classifier/train";
import { throwIfAborted } from "../shared/abort";
import { neighbourProbabilities } from "./knn";

export interface KFoldOptions {
  /** Number of folds, at least 2. Default 5. */
  folds?: number;
  /** Seeds the fold assignment, the heads' initialisation and their shuffling. Default 42. */
  seed?: number;
  /** Passes over each training part. Default 20, or STANDARDIZED_EPOCHS when standardising (see kfoldEpochs). */
  epochs?: number;
  lr?: number;
  batchSize?: number;
  /** Hidden units of the head; 0 = linear (the classifier's default). */
  hidden?: number;
  /** L2 penalty; default KFOLD_DEFAULTS.l2, or STANDARDIZED_L2 when standardising. */
  l2?: number;
  /** Standardise embeddings with each fold's training statistics (for backbones whose features want it). Default false. */
  standardize?: boolean;
  /** Neighbours in the vote averaged with each head's probabilities (knn.ts); 0 = heads alone. Default 10. */
  neighbours?: number;
  /** Weight of the neighbour vote in that average, 0 to 1. Default 0.5. */
  neighbourWeight?: number;
  /** Times the whole k-fold is run with other fold assignments, the probabilities averaged. Default 2. */
  repeats?: number;
}

// 20 epochs on plain views: the pipeline trains 10 epochs on plain + 2 augmented views, i.e.
// 30 passes' worth of steps. On Fashion-MNIST with 10% flipped labels (flatten_1 features),
// 10, 20 and 40 epochs ranked the flips equally well (top-100 precision within ±0.02), and
// lr 1e-3, l2 1e-2, L2-normalised or centred inputs did no better.
export const KFOLD_DEFAULTS = { folds: 5, seed: 42, epochs: 20, lr: 3e-3, batchSize: 32, hidden: 0, l2: 1e-4, standardize: false, neighbours: 10, neighbourWeight: 0.5, repeats: 2 } as const;

// Standardised inputs let a head memorise wrong labels even out of fold: on Fashion-MNIST with
// block_13_expand_relu features and 10% flipped labels, top-100 precision was 0.78/0.75 (two
// noise seeds) with l2 1e-4 and 0.81/0.80 with 1e-2. Over 5 noise seeds (bench/cleaner.ts,
// uniform noise; chosen on those same seeds, so optimistic), the mean top-k precision was
// 0.772 with l2 3e-3, 0.774 with 1e-2, 0.800 with 3e-2, 0.808 with 1e-1 and 0.794 with 3e-1;
// averaging 3 repeats of k-fold with other fold seeds at 1e-2 gave 0.794 for 3x the time.
export const STANDARDIZED_L2 = 1e-1;

// With standardised inputs and l2 1e-1, 10 epochs ranked the wrong labels as well as 20 (top-k
// precision 0.822 vs 0.808 over the same 5 noise seeds) in half the time.
export const STANDARDIZED_EPOCHS = 10;

// The neighbour vote (knn.ts), same setup, 10 noise seeds (1–5 to choose, 6–10 to check):
// heads alone 0.822/0.788 top-k precision, averaged 50/50 with a 10-neighbour vote 0.840/0.814
// (the vote alone: 0.754). 5 or 20 neighbours and weights 0.3 or 0.7 were within ±0.03 of it.
// Repeats (each on other folds, probabilities averaged), over all 10 seeds: top-k precision
// 0.827 with one run, 0.835 with 2, 0.841 with 3; the below_threshold flags (suspects.ts)
// precision/recall 0.825/0.815, 0.842/0.831, 0.848/0.836. One run missed 0.8 recall on seeds
// 6–10 (0.798), so the default is 2: twice the time of one (about 5 s per 1,000 images).

/** The epochs the k-fold heads train (see STANDARDIZED_EPOCHS). */
export function kfoldEpochs(standardize: boolean, epochs?: number): number {
  return epochs ?? (standardize ? STANDARDIZED_EPOCHS : KFOLD_DEFAULTS.epochs);
}

/** The L2 penalty the k-fold heads use (see STANDARDIZED_L2). */
export function kfoldL2(standardize: boolean, l2?: number): number {
  return l2 ?? (standardize ? STANDARDIZED_L2 : KFOLD_DEFAULTS.l2);
}

export interface KFoldResult {
  /** Out-of-fold probabilities per item, labels order. */
  probabilities: Float32Array[];
  /** The fold each item was held out in. */
  fold: number[];
  folds: number;
}

/**
 * Stratified fold of each item: items sharing a key (a content hash: exact copies) form one
 * unit and always share a fold, so a copy never vouches for its twin. Within each label the
 * units are ordered by a seeded hash of their key and dealt round-robin, so every fold gets its
 * share of every label and the assignment does not depend on the order items come in.
 */
export function stratifiedFolds(items: readonly { key: string; label: number }[], folds: number, seed: number): number[] {
  if (!Number.isInteger(folds) || folds < 2) throw new Error(`k-fold needs a whole number of folds of at least 2; got ${folds}`);
  const units = new Map<string, { key: string; label: number; members: number[] }>();
  items.forEach((item, i) => {
    const unit = units.get(item.key);
    if (unit) {
      unit.members.push(i);
      unit.label = Math.min(unit.label, item.label);
    } else units.set(item.key, { key: item.key, label: item.label, members: [i] });
  });
  const byLabel = new Map<number, { key: string; h: number; members: number[] }[]>();
  for (const unit of units.values()) {
    const entry = { key: unit.key, h: hash32(unit.key, seed), members: unit.members };
    const list = byLabel.get(unit.label);
    if (list) list.push(entry);
    else byLabel.set(unit.label, [entry]);
  }
  const fold = new Array<number>(items.length).fill(0);
  // Each label starts dealing where the previous one stopped, so small labels do not all pile into fold 0.
  let offset = 0;
  for (const label of [...byLabel.keys()].sort((a, b) => a - b)) {
    const list = byLabel.get(label) as { key: string; h: number; members: number[] }[];
    list.sort((a, b) => a.h - b.h || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    list.forEach((unit, rank) => {
      for (const i of unit.members) fold[i] = (offset + rank) % folds;
    });
    offset = (offset + list.length) % folds;
  }
  return fold;
}

/** A problem with the k-fold inputs, as a message for the user; null when usable. */
export function kfoldProblem(count: number, numLabels: number, folds: number, more: Pick<KFoldOptions, "neighbours" | "neighbourWeight" | "repeats"> = {}): string | null {
  if (!Number.isInteger(folds) || folds < 2 || folds > 50) return `the number of folds must be a whole number from 2 to 50; got ${folds}`;
  const { neighbours, neighbourWeight, repeats } = more;
  if (neighbours !== undefined && (!Number.isInteger(neighbours) || neighbours < 0 || neighbours > 1000)) return `the number of neighbours must be a whole number from 0 to 1000; got ${neighbours}`;
  if (neighbourWeight !== undefined && !(neighbourWeight >= 0 && neighbourWeight <= 1)) return `the neighbour weight must be from 0 to 1; got ${neighbourWeight}`;
  if (repeats !== undefined && (!Number.isInteger(repeats) || repeats < 1 || repeats > 20)) return `repeats must be a whole number from 1 to 20; got ${repeats}`;
  if (numLabels < 2) return `finding label issues needs at least two labels; got ${numLabels}`;
  if (count < folds) return `${count} image(s) are too few for ${folds} folds: each fold needs at least one image`;
  return null;
}

/**
 * Trains one head per fold on the other folds' embeddings and predicts the held-out fold,
 * averaged with a vote of the held-out image's nearest training neighbours (knn.ts) unless
 * `neighbours` is 0; with `repeats` > 1 the whole run is repeated on other fold assignments
 * and the probabilities averaged. `keys` identify items for the fold assignment (content
 * hashes keep duplicates together, so a copy never scores its twin). Disposes every head,
 * also on cancellation.
 */
export async function outOfFoldProbabilities(
  x: readonly Float32Array[],
  y: readonly number[],
  numLabels: number,
  keys: readonly string[],
  options: KFoldOptions = {},
  signal?: AbortSignal,
  onFold?: (done: number, total: number) => void,
): Promise<KFoldResult> {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as KFoldOptions;
  const o = { ...KFOLD_DEFAULTS, ...given };
  if (x.length !== y.length || x.length !== keys.length) throw new Error(`k-fold got ${x.length} embeddings, ${y.length} labels and ${keys.length} keys`);
  const problem = kfoldProblem(x.length, numLabels, o.folds, o);
  if (problem) throw new Error(problem);
  const dim = x[0].length;
  const epochs = kfoldEpochs(o.standardize, given.epochs);
  const l2 = kfoldL2(o.standardize, given.l2);
  // Weight of the neighbour vote; 0 when there is none.
  const w = o.neighbours > 0 ? o.neighbourWeight : 0;
  const sums = x.map(() => new Float32Array(numLabels));
  const scored = new Array<number>(x.length).fill(0);
  let firstFold: number[] = [];
  for (let r = 0; r < o.repeats; r++) {
    const seed = o.seed + 1000 * r;
    const fold = stratifiedFolds(
      keys.map((key, i) => ({ key, label: y[i] })),
      o.folds,
      seed,
    );
    if (r === 0) firstFold = fold;
    for (let f = 0; f < o.folds; f++) {
      throwIfAborted(signal);
      const train: LabeledEmbeddings = { x: [], y: [] };
      const heldOut: number[] = [];
      for (let i = 0; i < x.length; i++) {
        if (fold[i] === f) heldOut.push(i);
        else {
          train.x.push(x[i]);
          train.y.push(y[i]);
        }
      }
      if (heldOut.length === 0 || train.x.length === 0) continue;
      const heldX = heldOut.map((i) => x[i]);
      const head = Head.create(dim, numLabels, { lr: o.lr, seed: seed + f, hidden: o.hidden, l2, standardize: o.standardize });
      let predicted: Float32Array[];
      try {
        head.fitStandardizer(train.x);
        await fitHead(head, train, { x: [], y: [] }, { epochs, batchSize: o.batchSize, seed: seed + f, signal });
        predicted = head.predict(heldX);
      } finally {
        head.dispose();
      }
      const votes = w > 0 ? await neighbourProbabilities(train.x, train.y, heldX, numLabels, { k: o.neighbours, standardize: o.standardize }, signal) : null;
      heldOut.forEach((i, k) => {
        scored[i]++;
        for (let c = 0; c < numLabels; c++) sums[i][c] += (1 - w) * predicted[k][c] + (votes ? w * votes[k][c] : 0);
      });
      onFold?.(r * o.folds + f + 1, o.repeats * o.folds);
    }
  }
  // An image no fold could score (all its copies and nothing else to train on) has no opinion: uniform.
  const probabilities = sums.map((p, i) => (scored[i] > 0 ? p.map((v) => v / scored[i]) : p.fill(1 / numLabels)));
  return { probabilities, fold: firstFold, folds: o.folds };
}
