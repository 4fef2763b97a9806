// A LayersModel downloaded once from a public URL and cached in a FileStore folder.
// The download goes through an injected fetchBinary (Obsidian's requestUrl in the app,
// Node's fetch in the CLI) so this module has no network code of its own.
// The cache folder appears only complete: files go to a temporary sibling folder
// that is renamed into place after every byte has been checked.

import type { io } from "@tensorflow/tfjs";
import type { FileStore } from "../types";
import { artifactsFromParts, parseModelJson, readModelFolder, shardPaths } from "./artifacts";
import { errorText } from "../../shared/errors";

/** Resolves with the body of a successful (2xx) response; rejects otherwise. */
export type FetchBinary = (url: string) => Promise<ArrayBuffer>;

/**
 * The ImageNet MobileNetV2 that Teachable Machine (@teachablemachine/image) downloads
 * for version 2 with its default alpha 0.35: Keras MobileNetV2 without top, inputs in
 * -1..1, embedding = global average pool of layer "out_relu" (1280-d).
 */
export const IMAGENET_MOBILENET = {
  url: "https://storage.googleapis.com/teachable-machine-models/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top/model.json",
  layer: "out_relu",
  cacheName: "imagenet-mobilenet_v2_0.35_224",
} as const;

function describe(err: unknown): string {
  return errorText(err);
}

async function fetchOrExplain(fetchBinary: FetchBinary, url: string): Promise<ArrayBuffer> {
  try {
    return await fetchBinary(url);
  } catch (err) {
    throw new Error(`Could not download ${url}: ${describe(err)}`);
  }
}

/**
 * Returns the model's artifacts from `<modelsDir>/<cacheName>`, downloading
 * `modelJsonUrl` and its shards first when the cache is empty.
 */
export async function loadCachedRemoteModel(
  store: FileStore,
  modelsDir: string,
  cacheName: string,
  modelJsonUrl: string,
  fetchBinary: FetchBinary,
): Promise<io.ModelArtifacts> {
  const folder = `${modelsDir.replace(/\/+$/, "")}/${cacheName}`;
  if (await store.exists(`${folder}/model.json`)) return readModelFolder(store, folder);
  // A cache folder without model.json is ours and broken (e.g. a crash during rename): start over.
  if (await store.exists(folder)) await store.removeOwn(folder);

  const jsonBytes = await fetchOrExplain(fetchBinary, modelJsonUrl);
  const jsonText = new TextDecoder().decode(jsonBytes);
  const json = parseModelJson(jsonText, modelJsonUrl);
  const shards: ArrayBuffer[] = [];
  for (const p of shardPaths(json)) shards.push(await fetchOrExplain(fetchBinary, new URL(p, modelJsonUrl).toString()));
  // Validates sizes before anything is written.
  const artifacts = artifactsFromParts(json, shards, modelJsonUrl);

  const tmp = `${folder}.partial-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  try {
    await store.mkdir(tmp);
    const names = shardPaths(json);
    for (let i = 0; i < names.length; i++) await store.writeBinary(`${tmp}/${names[i]}`, new Uint8Array(shards[i]));
    await store.writeText(`${tmp}/model.json`, jsonText);
    if (await store.exists(folder)) {
      // Another load finished first: keep its copy.
      await store.removeOwn(tmp);
    } else {
      await store.rename(tmp, folder);
    }
  } catch (err) {
    await store.removeOwn(tmp).catch(() => undefined);
    throw new Error(`Could not cache the model in ${folder}: ${describe(err)}`);
  }
  return artifacts;
}
