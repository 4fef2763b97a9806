// The backbone on onnxruntime (the onnxruntime-node package's native CPU engine), for Node only:
// the CLI and the embed pool's workers. The same weights and embedding layers as the tfjs
// backbone (src/classifier/backbone.ts), converted to ONNX on load (keras-to-onnx.ts), so the
// embeddings match tfjs's to float32 rounding (measured: max |difference| under 1e-5 on
// MobileNetV2's flatten_1 features, whose values reach about 3) and the shared embedding cache
// stays valid whichever engine filled it. The app never loads this module (tfjs keeps WebGL/wasm).

import type { InferenceSession } from "onnxruntime-node";
import {
  loadBackboneArtifacts,
  resolveBackboneSpec,
  type Backbone,
  type BackboneId,
  type LoadBackboneOptions,
} from "../../classifier/backbone";
import { setupTf } from "../../classifier/tf-setup";
import type { RgbImage } from "../../classifier/types";
import { kerasToOnnx } from "./keras-to-onnx";
import { embedInBatches } from "../../classifier/rgb-image";

export interface OrtBackboneOptions extends LoadBackboneOptions {
  /** onnxruntime intra-op threads for one forward pass (default 1: the embed pool runs one worker per core). */
  threads?: number;
}

/** The engine name a Backbone reports in `backend`. */
export const ORT_BACKEND = "onnxruntime-cpu";

/** Packs RGB bytes (HWC) into one NCHW float batch, x * scale + offset. */
export function toNchw(images: RgbImage[], size: number, scale: number, offset: number): Float32Array {
  const plane = size * size;
  const buf = new Float32Array(images.length * 3 * plane);
  for (let i = 0; i < images.length; i++) {
    const d = images[i].data;
    const r = i * 3 * plane;
    const g = r + plane;
    const b = g + plane;
    for (let p = 0, q = 0; p < plane; p++, q += 3) {
      buf[r + p] = d[q] * scale + offset;
      buf[g + p] = d[q + 1] * scale + offset;
      buf[b + p] = d[q + 2] * scale + offset;
    }
  }
  return buf;
}

/**
 * Loads backbone `id` (any id loadBackbone takes) on onnxruntime. tfjs is used once, to read the
 * Keras model's weights, then released. Throws when onnxruntime-node cannot be loaded on this
 * platform, when the model has a layer the converter does not handle (UnsupportedGraphError), or
 * the loader's own error (a missing vault folder, ...): callers fall back to loadBackbone.
 */
export async function loadOrtBackbone(id: BackboneId, opts: OrtBackboneOptions = {}): Promise<Backbone> {
  const ort = await import("onnxruntime-node");
  const spec = resolveBackboneSpec(id);
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? 16));
  const threads = Math.max(1, Math.floor(opts.threads ?? 1));
  const artifacts = await loadBackboneArtifacts(id, opts);
  const { tf } = await setupTf(opts.tf);
  const keras = await tf.loadLayersModel({ load: () => Promise.resolve(artifacts) });
  let graph;
  try {
    graph = kerasToOnnx(tf, keras, spec.layers);
  } finally {
    keras.dispose();
  }
  const session: InferenceSession = await ort.InferenceSession.create(graph.bytes, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    // "all": fuses each Clip (ReLU6) into its convolution and picks the NCHWc (blocked layout) kernels.
    graphOptimizationLevel: "all",
    // Idle pool threads sleep instead of spinning: on a shared machine spinning threads steal the cores.
    extra: { session: { intra_op: { allow_spinning: "0" } } },
  });
  const { inputSize, dim, inputName, outputName } = graph;

  const forward = async (chunk: RgbImage[]): Promise<Float32Array> => {
    const x = new ort.Tensor("float32", toNchw(chunk, inputSize, spec.scale, spec.offset), [chunk.length, 3, inputSize, inputSize]);
    const result = await session.run({ [inputName]: x });
    const y = result[outputName];
    try {
      if (!y || y.type !== "float32" || y.dims.length !== 2 || y.dims[0] !== chunk.length || y.dims[1] !== dim) {
        throw new Error(`Backbone "${id}" on onnxruntime returned ${y ? `${y.type} [${y.dims.join(", ")}]` : "no output"}, expected float32 [${chunk.length}, ${dim}]`);
      }
      return y.data as Float32Array;
    } finally {
      x.dispose();
    }
  };
  // One pass now: surfaces an engine error at load time, as loadBackbone's warm-up does.
  try {
    await forward([{ width: inputSize, height: inputSize, data: new Uint8Array(inputSize * inputSize * 3) }]);
  } catch (err) {
    await session.release();
    throw err;
  }

  let disposed = false;
  return {
    id,
    inputSize,
    dim,
    backend: ORT_BACKEND,
    folded: true,
    async embed(images, onProgress, signal): Promise<Float32Array[]> {
      if (disposed) throw new Error(`Backbone "${id}" was disposed`);
      return embedInBatches(images, { inputSize, dim, batchSize }, forward, onProgress, signal);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      void session.release();
    },
  };
}
