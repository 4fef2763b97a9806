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
import type * as T from "@tensorflow/tfjs";
import { ensureTf, tfjs } from "./tf-lazy";
import type { FileStore } from "./types";
import { Head, type HeadConfig } from "./head";
import type { EpochMetrics } from "./types";
import type { ConfusionMatrix } from "./metrics";
import { AbortError } from "./train";
import { modelFolderFor } from "./dataset";

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

export function trimSlashes(path: string): string {
  return path.replace(/\\/g, "/").replace(/^\/+|\/+$/g, "");
}

export function joinPath(...parts: string[]): string {
  return parts.map(trimSlashes).filter((p) => p !== "").join("/");
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
 * Saves head + metadata as `<dataset>.model/` (see the layout above). The head must already
 * have its standardisation folded in (Head.foldStandardization).
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
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    fail(folder, "metadata.json is not valid JSON.");
  }
  if (typeof raw !== "object" || raw === null) fail(folder, "metadata.json is not an object.");
  const m = raw as Partial<ModelMetadata>;
  if (m.format !== MODEL_FORMAT) fail(folder, `metadata.json is not a Lesson Lab classifier (format ${JSON.stringify(m.format)}).`);
  if (m.version !== MODEL_VERSION) fail(folder, `unsupported version ${String(m.version)} (this build reads version ${MODEL_VERSION}).`);
  if (!Array.isArray(m.labels) || m.labels.length < 2 || !m.labels.every((l) => typeof l === "string"))
    fail(folder, "metadata.json must list at least two labels.");
  if (typeof m.backbone !== "string" || m.backbone === "") fail(folder, "metadata.json does not name its backbone.");
  if (typeof m.imageSize !== "number" || typeof m.embeddingDim !== "number") fail(folder, "metadata.json lacks imageSize or embeddingDim.");
  if (typeof m.head !== "object" || m.head === null) fail(folder, "metadata.json lacks the head description.");
  if (m.head.numLabels !== m.labels.length) fail(folder, `the head has ${m.head.numLabels} outputs but ${m.labels.length} labels are listed.`);
  return m as ModelMetadata;
}

/** Reads `<modelFolder>/{metadata.json, model.json, weights.bin}`. */
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
    fail(folder, `model.json could not be read by tfjs (${error instanceof Error ? error.message : String(error)}).`);
  }
  try {
    return { folder, metadata, head: Head.fromModel(model, metadata.head) };
  } catch (error) {
    fail(folder, error instanceof Error ? error.message : String(error));
  }
}
