// A trained classifier on disk, through the FileStore (vault or directory).
//
// Layout: the model of dataset folder `bears/` is the sibling folder `bears.model/`:
//   metadata.json  {format: "lesson-lab-classifier", version: 1, labels, backbone, imageSize,
//                   embeddingDim, head, metrics, trainedAt, dataset, counts, options}
//   model.json     the head as a tfjs layers model (input: the backbone's embedding, output: logits;
//                  apply softmax), weightsManifest pointing at weights.bin
//   weights.bin    the head's weights (float32)
// Saving writes `bears.model.tmp-<stamp>/` first; only a complete folder is swapped in. An
// existing `bears.model/` is renamed to `bears.model.previous-<stamp>/`, never overwritten or
// deleted here. A failed or cancelled save removes its temporary folder. In the app, the
// previous models older than the newest PREVIOUS_MODELS_KEPT go to the trash afterwards
// (previousModelsToTrash picks them; the CLI keeps them all).
import { joinPath, trimSlashes } from "../shared/paths";
import type * as T from "@tensorflow/tfjs";
import { ensureTf, tfjs } from "./tf-lazy";
import type { FileStore } from "./types";
import { Head, type HeadConfig } from "./head";
import type { EpochMetrics } from "./types";
import type { ConfusionMatrix } from "./metrics";
import { AbortError } from "../shared/abort";
import { labelCounts, modelFolderFor } from "./dataset";
import { errorText } from "../shared/errors";

export { modelFolderFor };

export const MODEL_FORMAT = "lesson-lab-classifier";
export const MODEL_VERSION = 1;

export interface ModelMetadata {
  format: typeof MODEL_FORMAT;
  version: number;
  labels: string[];
  backbone: string;
  imageSize: number;
  embeddingDim: number;
  head: HeadConfig;
  metrics: {
    error_rate: number | null;
    accuracy: number | null;
    valid_count: number;
    train_count: number;
    epochs: EpochMetrics[];
    /** The validation confusion matrix (rows actual, columns predicted); absent in models saved before it was recorded. */
    confusion?: ConfusionMatrix | null;
  };
  trainedAt: string;
  dataset: string;
  counts: Record<string, number>;
  options: { validPct: number; seed: number; epochs: number; lr: number; augment: boolean; augViews: number };
}

export interface LoadedModel {
  folder: string;
  metadata: ModelMetadata;
  head: Head;
}

export interface SavedModel {
  folder: string;
  metadataPath: string;
  /** Where the model that was there before went, if there was one. */
  previous: string | null;
}

/** How many `<folder>.model.previous-<time>/` folders the app keeps after a save. */
export const PREVIOUS_MODELS_KEPT = 1;

/**
 * Of the folder names beside `modelFolder` (its parent's children), the paths of its previous
 * models beyond the newest `keep`, oldest last. Only names that saveModel itself makes count
 * (`<name>.previous-<ISO time with - for : and .>` with an optional `-<n>`), newest by that time.
 */
export function previousModelsToTrash(modelFolder: string, siblingNames: readonly string[], keep: number = PREVIOUS_MODELS_KEPT): string[] {
  const folder = trimSlashes(modelFolder);
  const slash = folder.lastIndexOf("/");
  const parent = slash < 0 ? "" : folder.slice(0, slash);
  const name = folder.slice(slash + 1);
  const prefix = `${name}.previous-`;
  const pattern = /^(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z)(?:-(\d+))?$/;
  const previous = siblingNames.flatMap((n) => {
    if (!n.startsWith(prefix)) return [];
    const m = pattern.exec(n.slice(prefix.length));
    return m ? [{ n, time: m[1], k: Number(m[2] ?? 1) }] : [];
  });
  previous.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : b.k - a.k));
  return previous.slice(Math.max(0, keep)).map((p) => (parent ? `${parent}/${p.n}` : p.n));
}

function stamp(now: Date): string {
  return now.toISOString().replace(/[:.]/g, "-");
}

async function freePath(store: FileStore, base: string): Promise<string> {
  if (!(await store.exists(base))) return base;
  for (let i = 2; ; i++) if (!(await store.exists(`${base}-${i}`))) return `${base}-${i}`;
}

/** A tfjs save handler that writes model.json + weights.bin into `folder`. */
function storeSaveHandler(store: FileStore, folder: string): T.io.IOHandler {
  return {
    save: async (artifacts: T.io.ModelArtifacts): Promise<T.io.SaveResult> => {
      const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tfjs().io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? "layers-model",
        generatedBy: artifacts.generatedBy,
        convertedBy: null,
        weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs ?? [] }],
      };
      await store.writeText(joinPath(folder, "model.json"), JSON.stringify(modelJson));
      await store.writeBinary(joinPath(folder, "weights.bin"), new Uint8Array(weights));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON", weightDataBytes: weights.byteLength } };
    },
  };
}

/**
 * Saves head + metadata as `<datasetFolder>.model/` (the layout in this file's header): the head
 * as a tfjs layers model (input [batch, embeddingDim] float32, output [batch, labels] logits) and
 * metadata.json. The head must already have its standardisation folded in
 * (Head.foldStandardization). Writes a temporary folder first and swaps it in complete; an
 * existing model becomes `<datasetFolder>.model.previous-<time>/` (returned as `previous`).
 * Throws for a vault-root dataset, the store's write errors (the temporary folder removed), and
 * AbortError when `options.signal` fires before the swap (nothing changed).
 */
export async function saveModel(
  store: FileStore,
  datasetFolder: string,
  head: Head,
  metadata: ModelMetadata,
  options: { now?: Date; signal?: AbortSignal } = {},
): Promise<SavedModel> {
  if (trimSlashes(datasetFolder) === "") throw new Error("The dataset must be a folder inside the vault, not the vault itself.");
  const target = modelFolderFor(datasetFolder);
  const now = options.now ?? new Date();
  const temp = await freePath(store, `${target}.tmp-${stamp(now)}`);
  await store.mkdir(temp);
  try {
    await head.model.save(storeSaveHandler(store, temp));
    await store.writeText(joinPath(temp, "metadata.json"), JSON.stringify(metadata, null, 2));
    if (options.signal?.aborted) throw new AbortError();
  } catch (error) {
    await store.removeOwn(temp).catch(() => undefined);
    throw error;
  }
  let previous: string | null = null;
  if (await store.exists(target)) {
    previous = await freePath(store, `${target}.previous-${stamp(now)}`);
    try {
      await store.rename(target, previous);
    } catch (error) {
      await store.removeOwn(temp).catch(() => undefined);
      throw error;
    }
  }
  try {
    await store.rename(temp, target);
  } catch (error) {
    // Put the old model back so that the dataset is never left without one.
    if (previous) await store.rename(previous, target).catch(() => undefined);
    await store.removeOwn(temp).catch(() => undefined);
    throw error;
  }
  return { folder: target, metadataPath: joinPath(target, "metadata.json"), previous };
}

function fail(folder: string, why: string): never {
  throw new Error(`Cannot load the classifier in "${folder}": ${why}`);
}

/** Checks metadata.json's shape; throws a message naming what is wrong. */
export function parseMetadata(folder: string, text: string): ModelMetadata {
  return readMetadata(folder, text).metadata;
}

const isFiniteNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isCount = (v: unknown): v is number => isFiniteNumber(v) && Number.isInteger(v) && v >= 0;
const isSize = (v: unknown): v is number => isCount(v) && v > 0;

/** One epoch's row of metadata.json or results.json; null when it is not one. */
export function readEpoch(x: unknown): EpochMetrics | null {
  if (typeof x !== "object" || x === null) return null;
  const e = x as Record<string, unknown>;
  if (!isCount(e.epoch) || !isFiniteNumber(e.train_loss) || !isFiniteNumber(e.valid_loss) || !isFiniteNumber(e.error_rate) || !isFiniteNumber(e.seconds)) return null;
  return { epoch: e.epoch, train_loss: e.train_loss, valid_loss: e.valid_loss, error_rate: e.error_rate, seconds: e.seconds };
}

/**
 * Validates metadata.json. Throws (a message naming the folder and what is wrong) when the model
 * cannot be used: format, version, labels (at least two, each non-empty text, no two alike, as
 * many as the head's outputs), backbone, sizes. The metrics are optional: missing or damaged
 * parts are left out (null, 0 or no epochs) and named in `warnings`, so the rest can be shown.
 */
export function readMetadata(folder: string, text: string): { metadata: ModelMetadata; warnings: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    fail(folder, "metadata.json is not valid JSON.");
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) fail(folder, "metadata.json is not an object.");
  const m = raw as Record<string, unknown>;
  if (m.format !== MODEL_FORMAT) fail(folder, `metadata.json is not a Lesson Lab classifier (format ${JSON.stringify(m.format)}).`);
  if (m.version !== MODEL_VERSION) fail(folder, `unsupported version ${String(m.version)} (this build reads version ${MODEL_VERSION}).`);
  const labels = m.labels;
  if (!Array.isArray(labels) || labels.length < 2 || !labels.every((l) => typeof l === "string")) fail(folder, "metadata.json must list at least two labels.");
  const names = labels;
  if (names.some((l) => l.trim() === "")) fail(folder, "metadata.json lists an empty label.");
  const seen = new Set<string>();
  for (const l of names) {
    if (seen.has(l)) fail(folder, `metadata.json lists the label "${l}" twice.`);
    seen.add(l);
  }
  if (typeof m.backbone !== "string" || m.backbone === "") fail(folder, "metadata.json does not name its backbone.");
  if (!isSize(m.imageSize) || !isSize(m.embeddingDim)) fail(folder, "metadata.json lacks imageSize or embeddingDim (whole numbers above 0).");
  if (typeof m.head !== "object" || m.head === null) fail(folder, "metadata.json lacks the head description.");
  const head = m.head as HeadConfig;
  if (head.numLabels !== names.length) fail(folder, `the head has ${String(head.numLabels)} outputs but ${names.length} labels are listed.`);

  const warnings: string[] = [];
  const metrics: ModelMetadata["metrics"] = { error_rate: null, accuracy: null, valid_count: 0, train_count: 0, epochs: [] };
  const rawMetrics = m.metrics;
  if (typeof rawMetrics !== "object" || rawMetrics === null || Array.isArray(rawMetrics)) {
    warnings.push(`"${folder}/metadata.json" records no metrics; they are not shown.`);
  } else {
    const r = rawMetrics as Record<string, unknown>;
    const rate = (key: "error_rate" | "accuracy"): number | null => {
      const v = r[key];
      if (v === null || v === undefined) return null;
      if (isFiniteNumber(v) && v >= 0 && v <= 1) return v;
      warnings.push(`"${folder}/metadata.json": ${key} ${JSON.stringify(v)} is not a rate from 0 to 1; not shown.`);
      return null;
    };
    metrics.error_rate = rate("error_rate");
    metrics.accuracy = rate("accuracy");
    for (const key of ["valid_count", "train_count"] as const) {
      const v = r[key];
      if (isCount(v)) metrics[key] = v;
      else if (v !== undefined) warnings.push(`"${folder}/metadata.json": ${key} ${JSON.stringify(v)} is not a count; not shown.`);
    }
    if (r.epochs !== undefined) {
      if (!Array.isArray(r.epochs)) warnings.push(`"${folder}/metadata.json": epochs is not a list; not shown.`);
      else {
        metrics.epochs = r.epochs.map(readEpoch).filter((e): e is EpochMetrics => e !== null);
        const dropped = r.epochs.length - metrics.epochs.length;
        if (dropped > 0) warnings.push(`"${folder}/metadata.json": ${dropped} of ${r.epochs.length} epochs are damaged; not shown.`);
      }
    }
  }
  const metadata = {
    ...(m as unknown as ModelMetadata),
    labels: names,
    metrics,
    trainedAt: typeof m.trainedAt === "string" ? m.trainedAt : "",
    dataset: typeof m.dataset === "string" ? m.dataset : "",
    counts: readCounts(m.counts),
  };
  return { metadata, warnings };
}

/**
 * metadata.json's `counts` (label → image count) as a record without a prototype, so labels such
 * as "__proto__" or "constructor" are ordinary keys and a missing label reads as undefined.
 * Entries that are not counts are dropped.
 */
function readCounts(raw: unknown): Record<string, number> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return labelCounts();
  return labelCounts(Object.entries(raw).filter((e): e is [string, number] => isCount(e[1])));
}

/** How many of the float32 weights are NaN or infinite. */
export function nonFiniteWeights(bytes: Uint8Array): number {
  const copy = new Uint8Array(bytes.byteLength - (bytes.byteLength % 4));
  copy.set(bytes.subarray(0, copy.byteLength));
  const values = new Float32Array(copy.buffer);
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) n++;
  return n;
}

/**
 * Reads the model saved in `modelFolder` (`<modelFolder>/{metadata.json, model.json, weights.bin}`)
 * and checks it before use: metadata fields and types, the weight file's size against
 * model.json ([embeddingDim, labels] float32 kernels and biases), weights that are all finite
 * numbers, and a head tfjs can build. Throws an Error naming the folder and what is wrong (a
 * model folder may come from anywhere); the caller disposes the returned head.
 */
export async function loadModel(store: FileStore, modelFolder: string): Promise<LoadedModel> {
  const folder = trimSlashes(modelFolder);
  for (const name of ["metadata.json", "model.json", "weights.bin"]) {
    if (!(await store.exists(joinPath(folder, name)))) fail(folder, `${name} is missing.`);
  }
  const metadata = parseMetadata(folder, await store.readText(joinPath(folder, "metadata.json")));
  let modelJson: T.io.ModelJSON;
  try {
    modelJson = JSON.parse(await store.readText(joinPath(folder, "model.json"))) as T.io.ModelJSON;
  } catch {
    fail(folder, "model.json is not valid JSON.");
  }
  if (!modelJson.modelTopology || !Array.isArray(modelJson.weightsManifest)) fail(folder, "model.json is not a tfjs layers model.");
  const bytes = await store.readBinary(joinPath(folder, "weights.bin"));
  const weightSpecs = modelJson.weightsManifest.flatMap((g) => g.weights);
  const expected = weightSpecs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (bytes.byteLength !== expected) fail(folder, `weights.bin has ${bytes.byteLength} bytes, model.json expects ${expected}.`);
  if (weightSpecs.every((w) => w.dtype === undefined || w.dtype === "float32")) {
    const bad = nonFiniteWeights(bytes);
    if (bad > 0) fail(folder, `weights.bin holds ${bad} weight${bad === 1 ? "" : "s"} that ${bad === 1 ? "is" : "are"} not a number (NaN or infinity): the model is damaged; train it again.`);
  }
  const handler: T.io.IOHandler = {
    load: () =>
      Promise.resolve({
        modelTopology: modelJson.modelTopology,
        weightSpecs,
        weightData: Uint8Array.from(bytes).buffer,
        format: modelJson.format,
        generatedBy: modelJson.generatedBy,
      }),
  };
  let model: T.LayersModel;
  try {
    model = await (await ensureTf()).loadLayersModel(handler);
  } catch (error) {
    fail(folder, `model.json could not be read by tfjs (${errorText(error)}).`);
  }
  try {
    return { folder, metadata, head: Head.fromModel(model, metadata.head) };
  } catch (error) {
    fail(folder, errorText(error));
  }
}
