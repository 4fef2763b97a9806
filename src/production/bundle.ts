// Everything a trained classifier needs to run somewhere else, in one JSON-able object: the
// head and the backbone as tfjs model artifacts with base64 weights, the metadata and the model
// card. Read through a FileStore (a directory in the CLI, the vault in the app); the backbone's
// files come from the same loaders the classifier uses (nsfwjs's bundled weights, a `vault:`
// folder, the download cache). Pure core: no Obsidian, no Node import.
import type { io } from "@tensorflow/tfjs";
import { loadBackboneArtifacts } from "../classifier/backbone";
import { parseMetadata, type ModelMetadata } from "../classifier/model-io";
import { joinPath, trimSlashes } from "../shared/paths";
import { parseModelJson, shardPaths, artifactsFromParts } from "../classifier/backbones/artifacts";
import type { FetchBinary } from "../classifier/backbones/remote";
import type { FileStore } from "../classifier/types";
import { modelCard, type ModelCard } from "./card";
import { errorText } from "../shared/errors";

/** A tfjs LayersModel as plain data: topology, weight specs and the weight bytes in base64. */
export interface SerializedModel {
  modelTopology: object;
  weightSpecs: io.WeightsManifestEntry[];
  /** The weights, concatenated in weightSpecs order, base64. */
  weights: string;
  format?: string;
  generatedBy?: string;
}

export interface ModelBundle {
  format: "lesson-lab-web-model";
  version: 1;
  metadata: ModelMetadata;
  card: ModelCard;
  head: SerializedModel;
  backbone: SerializedModel & { id: string };
}

export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExportError";
  }
}

/** base64 of bytes, without Node's Buffer (the same code runs in the app). */
export function toBase64(bytes: Uint8Array): string {
  let out = "";
  const CHUNK = 3 * 0x2000; // a multiple of 3: no padding inside the string
  for (let i = 0; i < bytes.length; i += CHUNK) out += btoa(String.fromCharCode(...bytes.subarray(i, i + CHUNK)));
  return out;
}

function joinWeightData(data: io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const parts = Array.isArray(data) ? data : [data];
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), offset);
    offset += p.byteLength;
  }
  return out;
}

export function serializeArtifacts(a: io.ModelArtifacts): SerializedModel {
  if (!a.modelTopology || !a.weightSpecs) throw new ExportError("the model's files lack a topology or weight specs");
  return {
    modelTopology: a.modelTopology,
    weightSpecs: a.weightSpecs,
    weights: toBase64(joinWeightData(a.weightData)),
    format: a.format,
    generatedBy: a.generatedBy,
  };
}

export interface BundleOptions {
  /** The page's title (default "<dataset> classifier"). */
  title?: string;
  /** For backbones downloaded once (imagenet-mobilenet): where they are cached, and how to download. */
  modelsDir?: string;
  fetchBinary?: FetchBinary;
}

function message(error: unknown): string {
  return errorText(error);
}

/**
 * Reads the model in `modelFolder` of `store` and its backbone into a ModelBundle.
 * Throws ExportError naming the folder and the reason: no metadata.json, a broken model, or a
 * backbone that cannot be bundled (e.g. a `vault:` backbone whose folder is missing).
 */
export async function readModelBundle(store: FileStore, modelFolder: string, options: BundleOptions = {}): Promise<ModelBundle> {
  const folder = trimSlashes(modelFolder);
  for (const name of ["metadata.json", "model.json", "weights.bin"]) {
    if (!(await store.exists(joinPath(folder, name)))) throw new ExportError(`"${folder}" is not a trained model: ${name} is missing.`);
  }
  let metadata: ModelMetadata;
  let metadataText = "";
  try {
    metadataText = await store.readText(joinPath(folder, "metadata.json"));
    metadata = parseMetadata(folder, metadataText);
  } catch (error) {
    throw new ExportError(message(error));
  }
  let head: SerializedModel;
  try {
    const json = parseModelJson(await store.readText(joinPath(folder, "model.json")), joinPath(folder, "model.json"));
    const shards: ArrayBuffer[] = [];
    for (const p of shardPaths(json)) shards.push(Uint8Array.from(await store.readBinary(joinPath(folder, p))).buffer);
    head = serializeArtifacts(artifactsFromParts(json, shards, folder));
  } catch (error) {
    throw new ExportError(`Cannot read the classifier in "${folder}": ${message(error)}`);
  }
  let backbone: io.ModelArtifacts;
  try {
    backbone = await loadBackboneArtifacts(metadata.backbone, { store, modelsDir: options.modelsDir, fetchBinary: options.fetchBinary });
  } catch (error) {
    throw new ExportError(`Cannot bundle the backbone "${metadata.backbone}" of "${folder}": ${message(error)}`);
  }
  // The load-time validation keeps only the metrics it knows: read the matrix from the file itself.
  let resultsConfusion: unknown = metadata.metrics?.confusion ?? (JSON.parse(metadataText) as { metrics?: { confusion?: unknown } }).metrics?.confusion;
  const resultsPath = joinPath(folder, "results.json");
  if (!resultsConfusion && (await store.exists(resultsPath))) {
    try {
      resultsConfusion = (JSON.parse(await store.readText(resultsPath)) as { confusion?: unknown }).confusion;
    } catch {
      // An unreadable results.json only costs the card its matrix.
    }
  }
  return {
    format: "lesson-lab-web-model",
    version: 1,
    metadata,
    card: modelCard(metadata, { title: options.title, resultsConfusion }),
    head,
    backbone: { id: metadata.backbone, ...serializeArtifacts(backbone) },
  };
}
