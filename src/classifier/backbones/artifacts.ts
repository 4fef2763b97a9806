// tfjs LayersModel files (model.json + binary weight shards) turned into
// ModelArtifacts, from memory or from a FileStore folder. No tfjs runtime import:
// only types, so this module stays cheap to import.

import { joinPath } from "../../shared/paths";
import type { io } from "@tensorflow/tfjs";
import type { FileStore } from "../types";
import { errorText } from "../../shared/errors";

export interface ModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: io.WeightsManifestEntry[] }[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
}

/** Parses and checks model.json text; `where` names the source in error messages. */
export function parseModelJson(text: string, where: string): ModelJson {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${where}: model.json is not valid JSON (${errorText(err)})`);
  }
  return checkModelJson(parsed, where);
}

export function checkModelJson(parsed: unknown, where: string): ModelJson {
  if (typeof parsed !== "object" || parsed === null) throw new Error(`${where}: model.json is not an object`);
  const obj = parsed as Partial<ModelJson>;
  if (typeof obj.modelTopology !== "object" || obj.modelTopology === null) {
    throw new Error(`${where}: model.json has no modelTopology (is it a tfjs LayersModel?)`);
  }
  if (!Array.isArray(obj.weightsManifest)) throw new Error(`${where}: model.json has no weightsManifest`);
  for (const group of obj.weightsManifest) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group?.weights)) {
      throw new Error(`${where}: model.json has a malformed weightsManifest group`);
    }
    for (const p of group.paths) {
      if (typeof p !== "string" || p === "" || p.includes("..") || p.startsWith("/") || p.includes("\\") || p.includes(":")) {
        throw new Error(`${where}: model.json names an unsafe weight file ${JSON.stringify(p)}`);
      }
    }
  }
  return obj as ModelJson;
}

/** The weight shard file names, in order. */
export function shardPaths(json: ModelJson): string[] {
  return json.weightsManifest.flatMap((g) => g.paths);
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, int8: 1 };

/** Bytes the weight specs need, so a short (truncated) download is caught with a clear message. */
export function expectedWeightBytes(specs: io.WeightsManifestEntry[]): number {
  let total = 0;
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const dtype = s.quantization?.dtype ?? s.dtype;
    const size = BYTES[dtype];
    if (size === undefined) throw new Error(`weight ${s.name}: unsupported dtype ${dtype}`);
    total += n * size;
  }
  return total;
}

/** Builds ModelArtifacts from parsed model.json and its shards (in `shardPaths` order). */
export function artifactsFromParts(json: ModelJson, shards: ArrayBuffer[], where: string): io.ModelArtifacts {
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const total = shards.reduce((a, s) => a + s.byteLength, 0);
  const expected = expectedWeightBytes(weightSpecs);
  if (total !== expected) {
    throw new Error(`${where}: weight files hold ${total} bytes but model.json describes ${expected} (truncated or mismatched download?)`);
  }
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const s of shards) {
    weightData.set(new Uint8Array(s), offset);
    offset += s.byteLength;
  }
  return {
    modelTopology: json.modelTopology,
    weightSpecs,
    weightData: weightData.buffer,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? undefined,
  };
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer
    ? bytes.buffer
    : (bytes.slice().buffer);
}

/** Reads `<folder>/model.json` and its shards from a FileStore into ModelArtifacts. */
export async function readModelFolder(store: FileStore, folder: string): Promise<io.ModelArtifacts> {
  const jsonPath = joinPath(folder, "model.json");
  if (!(await store.exists(jsonPath))) throw new Error(`No model.json in "${folder}"`);
  const json = parseModelJson(await store.readText(jsonPath), jsonPath);
  const shards: ArrayBuffer[] = [];
  for (const p of shardPaths(json)) {
    const path = joinPath(folder, p);
    if (!(await store.exists(path))) throw new Error(`${jsonPath}: weight file "${p}" is missing`);
    shards.push(toArrayBuffer(await store.readBinary(path)));
  }
  return artifactsFromParts(json, shards, folder);
}

/** A tf.io.IOHandler that loads a LayersModel folder through a FileStore. */
export function fileStoreModelHandler(store: FileStore, folder: string): io.IOHandler {
  return { load: () => readModelFolder(store, folder) };
}

/** Decodes base64 (the nsfwjs weight modules) without Node's Buffer, so it also runs in the app. */
export function base64ToArrayBuffer(b64: string): ArrayBuffer {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out.buffer;
}
