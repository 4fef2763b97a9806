// The frozen feature extractor: images in, one embedding vector per image out.
// Loading imports tfjs and the weights lazily (first classifier use), folds
// BatchNorm into the convolutions once, and keeps only the truncated network.

import type { LayersModel, Rank, Tensor, Tensor4D, io } from "@tensorflow/tfjs";
import { containedFolder } from "../shared/vault-path";
import type { FileStore, RgbImage } from "./types";
import { setupTf, type Tf, type TfSetupOptions } from "./tf-setup";
import { IMAGENET_MOBILENET, loadCachedRemoteModel, type FetchBinary } from "./backbones/remote";
import { readModelFolder } from "./backbones/artifacts";
import { nsfwjsArtifacts } from "./backbones/nsfwjs";
import { compileFolded } from "./compile/compiler";
import { embedInBatches } from "./rgb-image";
// Static imports above are tfjs-free (types only); tfjs and the weights load in loadBackbone.

export interface Backbone {
  id: string;
  /** Images must be inputSize x inputSize RGB. */
  inputSize: number;
  /** Length of each embedding. */
  dim: number;
  /** One embedding per image, in order; batched internally (default 16). `signal` is checked between batches. */
  embed(images: RgbImage[], onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<Float32Array[]>;
  dispose(): void;
  /** The tfjs backend it runs on ("wasm", "webgl", "cpu"). */
  backend: string;
  /** Whether the BN-folded forward pass is used (false: the plain LayersModel). */
  folded: boolean;
}

/**
 * "mobilenet_v2-nsfwjs#block_13_expand_relu" (default) | "mobilenet_v2-nsfwjs" | "inception_v3-nsfwjs" |
 * "imagenet-mobilenet" | "vault:<folder>#<layer>". Any id may end in "#layer+layer..." to pick
 * other embedding layers; 4-d outputs are global-average-pooled and the pieces concatenated.
 *
 * The default embeds with MobileNetV2's pooled mid-level `block_13_expand_relu` (576-d; the pass
 * stops there) and wants a standardised head (see `standardizeByDefault`). In the real pipeline
 * (trainClassifier, augment on, 10 epochs, seed 42; bench/classifier.ts `compare`) on
 * Fashion-MNIST 100/class it scored 0.890 vs 0.766 for "mobilenet_v2-nsfwjs" (flatten_1, 1280-d,
 * the pooled last features, raw head: the default until then, still available by that id).
 */
export type BackboneId = string;

export const DEFAULT_BACKBONE_ID = "mobilenet_v2-nsfwjs#block_13_expand_relu";

export interface LoadBackboneOptions {
  /** For "vault:" ids and the download cache. */
  store?: FileStore;
  /** Cache folder for downloaded models, e.g. `<configDir>/plugins/lesson-lab/models`. */
  modelsDir?: string;
  /** Downloads a URL (imagenet-mobilenet, once). */
  fetchBinary?: FetchBinary;
  /** Fold BN and fuse activations (default true). */
  fold?: boolean;
  /** Images per forward pass (default 16). */
  batchSize?: number;
  tf?: TfSetupOptions;
  /**
   * Awaited between the ops of a folded forward pass (the app passes a yield-when-due, so that
   * one pass never blocks the main thread for long). Omitted: each pass runs in one go.
   */
  pause?: () => Promise<void>;
}

interface BaseSpec {
  /** Embedding layers. */
  layers: string[];
  /** Whether a head on these features standardises them unless told otherwise (pooled mid-level ReLU activations: per-channel scales differ widely). */
  standardize: boolean;
  inputSize?: number;
  /** x * scale + offset maps bytes 0..255 to the network's input range. */
  scale: number;
  offset: number;
  load(opts: LoadBackboneOptions): Promise<io.ModelArtifacts>;
}

const ZERO_ONE = { scale: 1 / 255, offset: 0 };
const MINUS_ONE_ONE = { scale: 2 / 255, offset: -1 };

function splitLayers(id: string): { base: string; layers: string[] | null } {
  const hash = id.indexOf("#");
  if (hash < 0) return { base: id, layers: null };
  const layers = id
    .slice(hash + 1)
    .split("+")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (layers.length === 0) throw new Error(`Backbone id "${id}": no layer name after "#"`);
  return { base: id.slice(0, hash), layers };
}

/** Parses a backbone id into what to load; throws a readable error for unknown ids. */
export function resolveBackboneSpec(id: BackboneId): BaseSpec {
  const { base, layers } = splitLayers(id.trim());
  if (base === "mobilenet_v2-nsfwjs" || base === "inception_v3-nsfwjs") {
    const which = base === "mobilenet_v2-nsfwjs" ? "mobilenet_v2" : "inception_v3";
    const picked = layers ?? ["flatten_1"];
    return {
      layers: picked,
      standardize: picked.some((l) => l !== "flatten_1"),
      ...ZERO_ONE,
      load: () => nsfwjsArtifacts(which),
    };
  }
  if (base === "imagenet-mobilenet") {
    return {
      layers: layers ?? ["out_relu"],
      standardize: false,
      ...MINUS_ONE_ONE,
      load: async (opts) => {
        if (!opts.store || !opts.modelsDir || !opts.fetchBinary) {
          throw new Error('Backbone "imagenet-mobilenet" needs a store, a modelsDir and fetchBinary (it is downloaded once)');
        }
        return loadCachedRemoteModel(opts.store, opts.modelsDir, IMAGENET_MOBILENET.cacheName, IMAGENET_MOBILENET.url, opts.fetchBinary);
      },
    };
  }
  if (base.startsWith("vault:")) {
    const named = base.slice("vault:".length).replace(/\/+$/, "");
    if (named === "") throw new Error(`Backbone id "${id}": no folder after "vault:"`);
    // The id comes from a model's metadata.json (a file from the web): its folder must lie inside the vault.
    const folder = containedFolder(named, "backbone folder");
    if (!layers) throw new Error(`Backbone id "${id}": name the embedding layer, e.g. "vault:${folder}#global_average_pooling2d"`);
    return {
      layers,
      standardize: false,
      ...ZERO_ONE,
      load: async (opts) => {
        if (!opts.store) throw new Error(`Backbone "${id}" needs a store to read ${folder}`);
        return readModelFolder(opts.store, folder);
      },
    };
  }
  throw new Error(
    `Unknown backbone "${id}". Use "mobilenet_v2-nsfwjs", "inception_v3-nsfwjs", "imagenet-mobilenet" or "vault:<folder>#<layer>".`,
  );
}

/**
 * The head's `standardize` default for a backbone id: true for nsfwjs ids that embed with a
 * layer other than flatten_1 (measured: block_13_expand_relu 0.890 standardised vs 0.742 raw on
 * Fashion-MNIST 100/class); false for the others and for ids this module does not know.
 */
export function standardizeByDefault(id: string): boolean {
  try {
    return resolveBackboneSpec(id).standardize;
  } catch {
    return false;
  }
}

/** Packs images into one NHWC float batch scaled to the network's range. */
function toBatch(tf: Tf, images: RgbImage[], size: number, scale: number, offset: number): Tensor4D {
  const px = size * size * 3;
  const buf = new Float32Array(images.length * px);
  for (let i = 0; i < images.length; i++) {
    const d = images[i].data;
    const base = i * px;
    for (let j = 0; j < px; j++) buf[base + j] = d[j] * scale + offset;
  }
  return tf.tensor4d(buf, [images.length, size, size, 3]);
}

/**
 * Loads the frozen feature extractor `id` (see BackboneId for the ids): tfjs and the weights are
 * imported here, on first use. The returned Backbone embeds `inputSize`² RGB images into `dim`-d
 * float32 vectors (4-d layer outputs global-average-pooled, several layers concatenated), with
 * BatchNorm folded into the convolutions (compile/compiler.ts) unless `opts.fold` is false or the
 * model has a layer the compiler refuses (then the plain LayersModel runs; `folded` says which).
 * Throws a readable Error for an unknown id, a missing layer, a model without a square RGB input,
 * or weights that cannot be read or downloaded. The caller disposes it.
 */
export async function loadBackbone(id: BackboneId = DEFAULT_BACKBONE_ID, opts: LoadBackboneOptions = {}): Promise<Backbone> {
  const spec = resolveBackboneSpec(id);
  await setupTf(opts.tf);
  return buildBackbone(id, spec, await spec.load(opts), opts);
}

/**
 * The full network's files of backbone `id` (model topology, weight specs and bytes), as
 * loadBackbone reads them: what an exported web app embeds. Throws the loader's message (for
 * "vault:" ids, the folder or a weight file that is missing).
 */
export async function loadBackboneArtifacts(id: BackboneId, opts: LoadBackboneOptions = {}): Promise<io.ModelArtifacts> {
  return resolveBackboneSpec(id).load(opts);
}

/** A backbone from artifacts already in memory (an exported web app's embedded weights). */
export async function backboneFromArtifacts(id: BackboneId, artifacts: io.ModelArtifacts, opts: LoadBackboneOptions = {}): Promise<Backbone> {
  const spec = resolveBackboneSpec(id);
  await setupTf(opts.tf);
  return buildBackbone(id, spec, artifacts, opts);
}

async function buildBackbone(id: BackboneId, spec: BaseSpec, artifacts: io.ModelArtifacts, opts: LoadBackboneOptions): Promise<Backbone> {
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? 16));
  const { tf, backend } = await setupTf(opts.tf);
  await opts.pause?.();
  const full: LayersModel = await tf.loadLayersModel({ load: () => Promise.resolve(artifacts) });
  await opts.pause?.();

  const inputShape = full.inputs[0]?.shape;
  const inputSize = inputShape?.[1];
  if (!inputShape || inputShape.length !== 4 || typeof inputSize !== "number" || inputShape[2] !== inputSize || inputShape[3] !== 3) {
    full.dispose();
    throw new Error(`Backbone "${id}": expected a square RGB image input, the model takes ${JSON.stringify(inputShape)}`);
  }
  for (const l of spec.layers) {
    try {
      full.getLayer(l);
    } catch {
      full.dispose();
      throw new Error(`Backbone "${id}": the model has no layer "${l}"`);
    }
  }

  let forward: (x: Tensor4D) => Tensor[] = () => [];
  let forwardSliced: ((x: Tensor4D, pause: () => Promise<void>) => Promise<Tensor[]>) | null = null;
  let release: () => void = () => undefined;
  let folded = false;
  if (opts.fold !== false) {
    await opts.pause?.();
    try {
      const net = compileFolded(tf, full, spec.layers);
      full.dispose();
      forward = (x) => net.run(x);
      forwardSliced = (x, pause) => net.runSliced(x, pause);
      release = () => net.dispose();
      folded = true;
    } catch (err) {
      if (!(err instanceof Error && err.name === "UnsupportedGraphError")) {
        full.dispose();
        throw err;
      }
      // A layer the compiler does not know: fall through to the LayersModel.
    }
  }
  if (!folded) {
    // The reference path (fold: false) and the fallback: the truncated LayersModel as is.
    const truncated = tf.model({ inputs: full.inputs, outputs: spec.layers.map((l) => full.getLayer(l).output).flat() });
    forward = (x) => {
      const y = truncated.predict(x);
      return Array.isArray(y) ? y : [y];
    };
    release = () => full.dispose();
  }

  /** Pools 4-d outputs and concatenates: [batch, dim]. */
  const pool = (raw: Tensor[]): Tensor => {
    const outs = raw.map((o) => (o.rank === 4 ? tf.mean(o, [1, 2]) : o.rank === 2 ? o : tf.reshape(o, [o.shape[0], -1])));
    return outs.length === 1 ? outs[0] : tf.concat(outs, 1);
  };
  const embedBatch = (x: Tensor4D): Tensor => tf.tidy(() => pool(forward(x)));
  const pause = opts.pause;
  const embedBatchSliced = async (x: Tensor4D): Promise<Tensor> => {
    if (!pause || !forwardSliced) return embedBatch(x);
    const raw = await forwardSliced(x, pause);
    // keep() so the pooled result outlives the tidy; the raw outputs are ours to free.
    const y = tf.tidy(() => tf.keep(pool(raw).clone()));
    tf.dispose(raw);
    return y;
  };

  // One warm-up pass: finds the output size and lets the backend compile/allocate.
  let dim: number;
  {
    const x = tf.zeros<Rank.R4>([1, inputSize, inputSize, 3]);
    const y = embedBatch(x);
    dim = y.shape[1]!;
    x.dispose();
    y.dispose();
  }

  let disposed = false;
  return {
    id,
    inputSize,
    dim,
    backend,
    folded,
    async embed(images, onProgress, signal): Promise<Float32Array[]> {
      if (disposed) throw new Error(`Backbone "${id}" was disposed`);
      const forward = async (chunk: RgbImage[]): Promise<Float32Array> => {
        const x = toBatch(tf, chunk, inputSize, spec.scale, spec.offset);
        let y: Tensor;
        try {
          y = await embedBatchSliced(x);
        } finally {
          x.dispose();
        }
        try {
          return (await y.data()) as Float32Array;
        } finally {
          y.dispose();
        }
      };
      return embedInBatches(images, { inputSize, dim, batchSize }, forward, onProgress, signal);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      release();
    },
  };
}
