// Learning quality on three kinds of image set (bench/quality-data.ts: Fashion-MNIST, OpenCV's
// digits, Twemoji groups), each at 40 and 150 images per label, several seeds. Per set, size and
// seed, on the cached embeddings:
// - classifier_error: the classifier's error rate by 5-fold cross-validation on the true labels
//   (every image is scored once by a head that never saw it; the head trained as the pipeline
//   trains it: plain + 2 augmented views, HEAD_DEFAULTS with headL2, TRAIN_DEFAULTS.epochs, standardised
//   inputs as the default backbone asks). Cross-validation, not one 20% split: at 40 per label a
//   split holds 70–80 images, whose error rate is ±0.1 by itself;
// - uniform_topk / systematic_topk: the cleaner's top-k precision (k = the injected errors) with
//   10% of the labels moved to a random other label (uniform) or each to the one label its true
//   label is most confused with (systematic), as findIssues ranks them (kfold.ts + log_ratio);
// - uniform_flag_precision / _recall: the below_threshold flags; estimated_*: confident
//   learning's estimate of the number of wrong labels (find.ts estimatedLabelIssues), with
//   10% (uniform) and 0% noise, against the truth (the injected count, and 0).
// The 40-per-label subsets are drawn per seed (a different sample each time), the noise too.
// Run alone: `npx tsx bench/quality.ts [--seeds=1,2,3] [--sets=fashion,digits] [--sizes=40,150]
// [--experiments=FILE.json] [--backbone=ID] [--classifier-only]` (experiments: a list of Experiment,
// levers to compare on the same samples and noise; --backbone: embed the sets with another
// backbone, e.g. several layers of one pass, whose parts HeadVariant.features selects;
// --classifier-only: skip the cleaner's figures). LESSON_LAB_QUALITY_VERBOSE=1 prints each seed.
import { readFileSync } from "node:fs";
import { setupTf } from "../src/classifier/tf-setup";
import { Head, HEAD_DEFAULTS, headL2 } from "../src/classifier/head";
import { chooseL2, fitHead, seededRandom, shuffled } from "../src/classifier/train";
import { TRAIN_DEFAULTS } from "../src/classifier/pipeline";
import { argmax, fitTemperature, withTemperature } from "../src/classifier/metrics";
import { KFOLD_DEFAULTS, kfoldEpochs, kfoldL2, stratifiedFolds } from "../src/cleaner/kfold";
import { neighbourProbabilities } from "../src/cleaner/knn";
import { findLabelIssues, precisionRecall, rankLabels } from "../src/cleaner/suspects";
import { findIssues } from "../src/cleaner/find";
import { injectNoise } from "./cleaner";
import { loadQualitySet, QUALITY_SETS, type QualityItem, type QualitySet, type QualitySetName } from "./quality-data";

const round = (x: number, d = 3): number => Math.round(x * 10 ** d) / 10 ** d;
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** How the heads are trained (each setting costs a k-fold run). */
export interface HeadVariant {
  folds?: number;
  repeats?: number;
  epochs?: number;
  /** L2 penalty, or "cv": chosen per outer fold by inner 3-fold cross-validation among l2Candidates (train.ts chooseL2). */
  l2?: number | "cv";
  l2Candidates?: number[];
  /** Train on the augmented views too. */
  trainViews?: boolean;
  /** Parts of the embedding kept, as [start, end) ranges (a backbone of several layers concatenates them). Default: all. */
  features?: [number, number][];
}

function sliced(items: readonly QualityItem[], ranges: [number, number][] | undefined): readonly QualityItem[] {
  if (!ranges) return items;
  const dim = ranges.reduce((n, [a, b]) => n + b - a, 0);
  return items.map((it) => ({
    ...it,
    views: it.views.map((v) => {
      const out = new Float32Array(dim);
      let at = 0;
      for (const [a, b] of ranges) {
        out.set(v.subarray(a, b), at);
        at += b - a;
      }
      return out;
    }),
  }));
}

/** How the heads' probabilities and the neighbour vote are combined (free: no training). */
export interface MixVariant {
  neighbours?: number;
  neighbourWeight?: number;
  /** Average the held-out predictions over the plain and augmented views (test-time augmentation). */
  tta?: boolean;
  /**
   * Temperature applied to each head's probabilities (p^(1/T), renormalised) before the vote is
   * mixed in; "fit": the temperature that minimises the heads' out-of-fold log loss on the given
   * labels (fitTemperature), per repeat.
   */
  temperature?: number | "fit";
  /** Use only the first this many k-fold repeats that were trained (free: measures fewer repeats). */
  useRepeats?: number;
}

export type Variant = HeadVariant & MixVariant;

const NEIGHBOUR_COUNTS = [5, 10, 20];

/** Per repeat and item: the held-out head's probabilities (plain, and averaged over the views) and the neighbour votes. */
export interface OofParts {
  plain: Float32Array[][];
  tta: Float32Array[][];
  votes: Map<number, Float32Array[][]>;
}

/** The k-fold heads of kfold.ts, trained as `h` says, with every combination's ingredients kept. */
export async function oofParts(all: readonly QualityItem[], y: readonly number[], numLabels: number, h: HeadVariant, seed: number, classifier = false): Promise<OofParts> {
  const folds = h.folds ?? KFOLD_DEFAULTS.folds;
  const repeats = h.repeats ?? (classifier ? 1 : KFOLD_DEFAULTS.repeats);
  const epochs = h.epochs ?? (classifier ? TRAIN_DEFAULTS.epochs : kfoldEpochs(true));
  const l2 = h.l2 ?? (classifier ? headL2(true) : kfoldL2(true));
  const trainViews = h.trainViews ?? classifier;
  const items = sliced(all, h.features);
  const parts: OofParts = { plain: [], tta: [], votes: new Map(NEIGHBOUR_COUNTS.map((k) => [k, []])) };
  for (let r = 0; r < repeats; r++) {
    const s = seed + 1000 * r;
    const fold = stratifiedFolds(
      items.map((it, i) => ({ key: it.hash, label: y[i] })),
      folds,
      s,
    );
    const plain = new Array<Float32Array>(items.length);
    const tta = new Array<Float32Array>(items.length);
    const votes = new Map(NEIGHBOUR_COUNTS.map((k) => [k, new Array<Float32Array>(items.length)]));
    for (let f = 0; f < folds; f++) {
      const trainIdx = items.flatMap((_, i) => (fold[i] === f ? [] : [i]));
      const held = items.flatMap((_, i) => (fold[i] === f ? [i] : []));
      const plainX = trainIdx.map((i) => items[i].views[0]);
      const trainX = trainViews ? trainIdx.flatMap((i) => items[i].views) : plainX;
      const trainY = trainViews ? trainIdx.flatMap((i) => items[i].views.map(() => y[i])) : trainIdx.map((i) => y[i]);
      const lr = classifier ? HEAD_DEFAULTS.lr : KFOLD_DEFAULTS.lr;
      const chosen =
        l2 === "cv"
          ? (await chooseL2(trainIdx.map((i) => ({ views: trainViews ? items[i].views : [items[i].views[0]], label: y[i] })), numLabels, { candidates: h.l2Candidates ?? [1e-4, 1e-3, 1e-2, 1e-1], epochs, lr, standardize: true, seed: s + f, batchSize: classifier ? TRAIN_DEFAULTS.batchSize : KFOLD_DEFAULTS.batchSize })).l2
          : l2;
      if (process.env.LESSON_LAB_QUALITY_VERBOSE && l2 === "cv") process.stderr.write(`l2 ${chosen} `);
      const head = Head.create(plainX[0].length, numLabels, { lr, seed: s + f, l2: chosen, standardize: true });
      try {
        head.fitStandardizer(trainX);
        await fitHead(head, { x: trainX, y: trainY }, { x: [], y: [] }, { epochs, batchSize: classifier ? TRAIN_DEFAULTS.batchSize : KFOLD_DEFAULTS.batchSize, seed: s + f });
        const nv = items[held[0]].views.length;
        const all = head.predict(held.flatMap((i) => items[i].views));
        held.forEach((i, j) => {
          plain[i] = all[j * nv];
          const p = new Float32Array(numLabels);
          for (let q = 0; q < nv; q++) for (let c = 0; c < numLabels; c++) p[c] += all[j * nv + q][c] / nv;
          tta[i] = p;
        });
      } finally {
        head.dispose();
      }
      for (const k of NEIGHBOUR_COUNTS) {
        const v = await neighbourProbabilities(
          plainX,
          trainIdx.map((i) => y[i]),
          held.map((i) => items[i].views[0]),
          numLabels,
          { k, standardize: true },
        );
        held.forEach((i, j) => ((votes.get(k) as Float32Array[])[i] = v[j]));
      }
    }
    parts.plain.push(plain);
    parts.tta.push(tta);
    for (const k of NEIGHBOUR_COUNTS) parts.votes.get(k)?.push(votes.get(k) as Float32Array[]);
  }
  return parts;
}

/** The out-of-fold probabilities of a combination (kfold.ts's average over repeats). */
export function mix(parts: OofParts, m: MixVariant, defaults: { neighbours: number; neighbourWeight: number }, labels: readonly number[] = []): Float32Array[] {
  const k = m.neighbours ?? defaults.neighbours;
  const w = k > 0 ? (m.neighbourWeight ?? defaults.neighbourWeight) : 0;
  const heads = (m.tta ? parts.tta : parts.plain).slice(0, m.useRepeats);
  const temps = heads.map((repeat) => (m.temperature === "fit" ? fitTemperature(repeat, labels) : (m.temperature ?? 1)));
  const votes = k > 0 ? parts.votes.get(k) : undefined;
  if (k > 0 && !votes) throw new Error(`no vote of ${k} neighbours kept (${NEIGHBOUR_COUNTS.join(", ")})`);
  return heads[0].map((_, i) => {
    const out = new Float32Array(heads[0][i].length);
    heads.forEach((repeat, r) => {
      const p = temps[r] === 1 ? repeat[i] : withTemperature(repeat[i], temps[r]);
      for (let c = 0; c < out.length; c++) out[c] += ((1 - w) * p[c] + (votes ? w * votes[r][i][c] : 0)) / heads.length;
    });
    return out;
  });
}

/** Up to `perLabel` items of each label, a seeded sample (all of them when there are fewer). */
export function subsample(set: QualitySet, perLabel: number, seed: number): QualityItem[] {
  const random = seededRandom(seed * 7919 + perLabel);
  return set.labels.flatMap((_, j) => shuffled(set.items.filter((it) => it.label === j), random).slice(0, perLabel));
}

export interface QualityFigures {
  classifier_error: number;
  uniform_topk: number;
  systematic_topk: number;
  uniform_flag_precision: number;
  uniform_flag_recall: number;
  /** Confident learning's estimate of wrong labels / the injected count, at 10% uniform noise. */
  estimated_ratio_uniform: number;
  /** The estimate with no wrong label, per 100 images. */
  estimated_per_100_clean: number;
  /** below_threshold flags / injected at 10% uniform noise, and per 100 images with none. */
  flagged_ratio_uniform: number;
  flagged_per_100_clean: number;
}

export interface Experiment {
  name: string;
  /** Classifier: how its head is trained, and how its probabilities are mixed (defaults: the pipeline's head alone). */
  classifier?: { head?: HeadVariant; mix?: MixVariant };
  /** Cleaner: the k-fold heads and their mix (defaults: kfold.ts). */
  cleaner?: { head?: HeadVariant; mix?: MixVariant };
}

const NOT_MEASURED: QualityFigures = {
  classifier_error: NaN,
  uniform_topk: NaN,
  systematic_topk: NaN,
  uniform_flag_precision: NaN,
  uniform_flag_recall: NaN,
  estimated_ratio_uniform: NaN,
  estimated_per_100_clean: NaN,
  flagged_ratio_uniform: NaN,
  flagged_per_100_clean: NaN,
};

const CLEANER_MIX = { neighbours: KFOLD_DEFAULTS.neighbours, neighbourWeight: KFOLD_DEFAULTS.neighbourWeight };
const CLASSIFIER_MIX = { neighbours: 0, neighbourWeight: 0 };

/** Memoises k-fold runs by their head settings, so experiments that only mix differently train nothing. */
class PartsCache {
  private readonly map = new Map<string, Promise<OofParts>>();
  get(key: string, make: () => Promise<OofParts>): Promise<OofParts> {
    let hit = this.map.get(key);
    if (!hit) this.map.set(key, (hit = make()));
    return hit;
  }
}

/** The figures of each experiment on one set at one size, per seed. */
export async function qualityOf(set: QualitySet, perLabel: number, seeds: number[], experiments: Experiment[], classifierOnly = false): Promise<Record<string, QualityFigures[]>> {
  const out: Record<string, QualityFigures[]> = Object.fromEntries(experiments.map((e) => [e.name, []]));
  const numLabels = set.labels.length;
  for (const seed of seeds) {
    const items = subsample(set, perLabel, seed);
    const truth = items.map((it) => it.label);
    const cache = new PartsCache();
    const parts = (tag: string, y: number[], h: HeadVariant, classifier: boolean): Promise<OofParts> => cache.get(`${tag}|${classifier}|${JSON.stringify(h)}`, () => oofParts(items, y, numLabels, h, seed, classifier));
    if (classifierOnly) {
      for (const e of experiments) {
        const cls = mix(await parts("clean", truth, e.classifier?.head ?? {}, true), e.classifier?.mix ?? {}, CLASSIFIER_MIX, truth);
        const error = cls.reduce((n, p, i) => n + (argmax(p) === truth[i] ? 0 : 1), 0) / items.length;
        // The cleaner's figures are not measured in this mode: NaN (null in JSON).
        const row = { ...NOT_MEASURED, classifier_error: error };
        out[e.name].push(row);
        if (process.env.LESSON_LAB_QUALITY_VERBOSE) process.stderr.write(`${set.name}_${perLabel} seed ${seed} ${e.name} classifier_error ${round(error)}\n`);
      }
      continue;
    }
    // The label each label is most confused with: default k-fold on the true labels.
    const cleanDefault = mix(await parts("clean", truth, {}, false), {}, CLEANER_MIX);
    const confusion = set.labels.map(() => new Array<number>(numLabels).fill(0));
    cleanDefault.forEach((p, i) => confusion[truth[i]][argmax(p)]++);
    const mostConfused = confusion.map((row, i) => argmax(row.map((c, j) => (j === i ? -1 : c))));
    const uniform = injectNoise(truth, numLabels, 0.1, seed);
    const systematic = injectNoise(truth, numLabels, 0.1, seed, mostConfused);
    for (const e of experiments) {
      const cls = mix(await parts("clean", truth, e.classifier?.head ?? {}, true), e.classifier?.mix ?? {}, CLASSIFIER_MIX, truth);
      const error = cls.reduce((n, p, i) => n + (argmax(p) === truth[i] ? 0 : 1), 0) / items.length;
      const ch = e.cleaner?.head ?? {};
      const cm = e.cleaner?.mix ?? {};
      const clean = mix(await parts("clean", truth, ch, false), cm, CLEANER_MIX, truth);
      const cleanIssues = findLabelIssues(clean, truth, numLabels, "below_threshold");
      const u = mix(await parts("uniform", uniform.noisy, ch, false), cm, CLEANER_MIX, uniform.noisy);
      const uIssues = findLabelIssues(u, uniform.noisy, numLabels, "below_threshold");
      const flags = precisionRecall(uIssues.flagged, uniform.flipped);
      const sProbs = mix(await parts("systematic", systematic.noisy, ch, false), cm, CLEANER_MIX, systematic.noisy);
      const k = uniform.flipped.size;
      const row: QualityFigures = {
        classifier_error: error,
        uniform_topk: precisionRecall(rankLabels(u, uniform.noisy, "log_ratio").slice(0, k), uniform.flipped).precision,
        systematic_topk: precisionRecall(rankLabels(sProbs, systematic.noisy, "log_ratio").slice(0, systematic.flipped.size), systematic.flipped).precision,
        uniform_flag_precision: flags.precision,
        uniform_flag_recall: flags.recall,
        estimated_ratio_uniform: uIssues.estimatedIssues / k,
        estimated_per_100_clean: (100 * cleanIssues.estimatedIssues) / items.length,
        flagged_ratio_uniform: uIssues.flagged.length / k,
        flagged_per_100_clean: (100 * cleanIssues.flagged.length) / items.length,
      };
      out[e.name].push(row);
      if (process.env.LESSON_LAB_QUALITY_VERBOSE) process.stderr.write(`${set.name}_${perLabel} seed ${seed} ${e.name} ${JSON.stringify(meanFigures([row]))}\n`);
    }
  }
  return out;
}

function meanFigures(list: QualityFigures[]): QualityFigures {
  const keys = Object.keys(list[0]) as (keyof QualityFigures)[];
  return Object.fromEntries(keys.map((k) => [k, round(mean(list.map((m) => m[k])))])) as unknown as QualityFigures;
}

/** The set kept out of every tuning decision, reported apart as a check. */
export const HELD_OUT_SET: QualitySetName = "digits";

/** Seeds per size: 150 per label costs about 4 times 40 per label, and its 10% holds 4 times the errors (less noise per seed). */
export const QUALITY_SEEDS: Readonly<Record<number, number[]>> = { 40: [1, 2, 3], 150: [1, 2] };

export async function benchQuality(options: { seeds?: number[]; sets?: QualitySetName[]; sizes?: number[]; experiments?: Experiment[]; backbone?: string; classifierOnly?: boolean } = {}): Promise<Record<string, unknown>> {
  await setupTf();
  const sizes = options.sizes ?? [40, 150];
  const seedsOf = (size: number): number[] => options.seeds ?? QUALITY_SEEDS[size] ?? [1, 2];
  const experiments = options.experiments ?? [{ name: "default" }];
  const out: Record<string, unknown> = { seeds: Object.fromEntries(sizes.map((s) => [s, seedsOf(s)])), held_out: HELD_OUT_SET };
  const tuned: Record<string, QualityFigures[]> = {};
  for (const name of options.sets ?? QUALITY_SETS) {
    const set = await loadQualitySet(name, options.backbone);
    if ("skipped" in set) {
      out[name] = { skipped: set.skipped };
      continue;
    }
    for (const size of sizes) {
      const t0 = Date.now();
      const results = await qualityOf(set, size, seedsOf(size), experiments, options.classifierOnly);
      for (const [e, list] of Object.entries(results)) {
        const m = meanFigures(list);
        const key = experiments.length === 1 ? `${name}_${size}` : `${name}_${size}.${e}`;
        out[key] = m;
        if (process.env.LESSON_LAB_QUALITY_VERBOSE) process.stderr.write(`${key} ${JSON.stringify(m)}\n`);
        if (name !== HELD_OUT_SET) (tuned[experiments.length === 1 ? String(size) : `${size}.${e}`] ??= []).push(m);
      }
      if (process.env.LESSON_LAB_QUALITY_VERBOSE) process.stderr.write(`${name} ${size}: ${(Date.now() - t0) / 1000} s\n`);
    }
  }
  for (const [key, list] of Object.entries(tuned)) out[`mean_tuned_sets_${key}`] = meanFigures(list);
  return out;
}

/**
 * The cleaner as the app runs it (findIssues) on 1,000 Fashion-MNIST images (100 per label):
 * wall-clock seconds, and the CPU seconds of this process over the same call (on a machine
 * shared with other jobs the wall-clock time says more about the load than about the cleaner).
 */
export async function cleanerSeconds(): Promise<{ seconds: number; cpu_seconds: number } | null> {
  const set = await loadQualitySet("fashion");
  if ("skipped" in set) return null;
  const items = subsample(set, 100, 1);
  const cpu = process.cpuUsage();
  const report = await findIssues({ labels: set.labels, items: items.map((it) => ({ path: it.path, label: set.labels[it.label], split: "train", hash: it.hash, embedding: it.views[0] })), backbone: undefined }, { standardize: true });
  const used = process.cpuUsage(cpu);
  return { seconds: round(report.seconds.total, 1), cpu_seconds: round((used.user + used.system) / 1e6, 1) };
}

if (require.main === module) {
  const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const list = <T>(s: string | undefined, f: (x: string) => T): T[] | undefined => s?.split(",").map(f);
  benchQuality({
    seeds: list(arg("seeds"), Number),
    sets: list(arg("sets"), (s) => s as QualitySetName),
    sizes: list(arg("sizes"), Number),
    backbone: arg("backbone"),
    classifierOnly: process.argv.includes("--classifier-only"),
    experiments: arg("experiments") ? (JSON.parse(readFileSync(arg("experiments") as string, "utf8")) as Experiment[]) : undefined,
  }).then(
    (r) => process.stdout.write(`${JSON.stringify(r, null, 1)}\n`),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
