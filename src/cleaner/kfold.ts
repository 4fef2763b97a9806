// Out-of-fold probabilities: every image is scored by a head that never saw it.
//
// fastai's cleaner ranks by the loss of the model that trained on the very images it ranks;
// a linear head on 1,280-d embeddings memorises a wrong label easily, so in-sample loss hides
// exactly the errors we look for. Here the head is trained k times (cleanlab's
// cross-validated pred_probs), each time on k-1 folds, and predicts the fold it left out.
import { hash32 } from "../classifier/hash";
import { Head } from "../classifier/head";
import { fitHead, throwIfAborted, type LabeledEmbeddings } from "../classifier/train";

export interface KFoldOptions {
  /** Number of folds, at least 2. Default 5. */
  folds?: number;
  /** Seeds the fold assignment, the heads' initialisation and their shuffling. Default 42. */
  seed?: number;
  /** Passes over each training part. Default 20 (see KFOLD_DEFAULTS). */
  epochs?: number;
  lr?: number;
  batchSize?: number;
  /** Hidden units of the head; 0 = linear (the classifier's default). */
  hidden?: number;
  /** L2 penalty; default KFOLD_DEFAULTS.l2, or STANDARDIZED_L2 when standardising. */
  l2?: number;
  /** Standardise embeddings with each fold's training statistics (for backbones whose features want it). Default false. */
  standardize?: boolean;
}

// 20 epochs on plain views: the pipeline trains 10 epochs on plain + 2 augmented views, i.e.
// 30 passes' worth of steps. On Fashion-MNIST with 10% flipped labels (flatten_1 features),
// 10, 20 and 40 epochs ranked the flips equally well (top-100 precision within ±0.02), and
// lr 1e-3, l2 1e-2, L2-normalised or centred inputs did no better.
export const KFOLD_DEFAULTS = { folds: 5, seed: 42, epochs: 20, lr: 3e-3, batchSize: 32, hidden: 0, l2: 1e-4, standardize: false } as const;

// Standardised inputs let a head memorise wrong labels even out of fold: on Fashion-MNIST with
// block_13_expand_relu features and 10% flipped labels, top-100 precision was 0.78/0.75 (two
// noise seeds) with l2 1e-4 and 0.81/0.80 with 1e-2. Over 5 noise seeds (bench/cleaner.ts,
// uniform noise; chosen on those same seeds, so optimistic), the mean top-k precision was
// 0.772 with l2 3e-3, 0.774 with 1e-2, 0.800 with 3e-2, 0.808 with 1e-1 and 0.794 with 3e-1;
// averaging 3 repeats of k-fold with other fold seeds at 1e-2 gave 0.794 for 3x the time.
export const STANDARDIZED_L2 = 1e-1;

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
export function kfoldProblem(count: number, numLabels: number, folds: number): string | null {
  if (!Number.isInteger(folds) || folds < 2 || folds > 50) return `the number of folds must be a whole number from 2 to 50; got ${folds}`;
  if (numLabels < 2) return `finding label issues needs at least two labels; got ${numLabels}`;
  if (count < folds) return `${count} image(s) are too few for ${folds} folds: each fold needs at least one image`;
  return null;
}

/**
 * Trains one head per fold on the other folds' embeddings and predicts the held-out fold.
 * `keys` identify items for the fold assignment (content hashes keep duplicates together,
 * so a copy never scores its twin). Disposes every head, also on cancellation.
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
  const problem = kfoldProblem(x.length, numLabels, o.folds);
  if (problem) throw new Error(problem);
  const dim = x[0].length;
  const fold = stratifiedFolds(
    keys.map((key, i) => ({ key, label: y[i] })),
    o.folds,
    o.seed,
  );
  const probabilities = new Array<Float32Array>(x.length);
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
    const head = Head.create(dim, numLabels, { lr: o.lr, seed: o.seed + f, hidden: o.hidden, l2: kfoldL2(o.standardize, given.l2), standardize: o.standardize });
    try {
      head.fitStandardizer(train.x);
      await fitHead(head, train, { x: [], y: [] }, { epochs: o.epochs, batchSize: o.batchSize, seed: o.seed + f, signal });
      const predicted = head.predict(heldOut.map((i) => x[i]));
      heldOut.forEach((i, k) => (probabilities[i] = predicted[k]));
    } finally {
      head.dispose();
    }
    onFold?.(f + 1, o.folds);
  }
  return { probabilities, fold, folds: o.folds };
}
