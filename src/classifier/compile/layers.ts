// The per-layer table of the layer compiler: for each Keras layer class it handles, how the
// layer becomes ops of the forward pass. With folding on, a Conv2D/DepthwiseConv2D takes in the
// BatchNormalization after it (batch-norm.ts), then a following ReLU/ReLU6/Activation (fused by
// tf.fused.*), and a ZeroPadding2D before it becomes the convolution's explicit padding; Dropout
// and noise layers are identities. On MobileNetV2 this removes 52 BN, 35 ReLU and 5 pad ops per
// forward pass. A layer class missing from the table, or an option a rule does not handle,
// raises UnsupportedGraphError.

import type { Rank, Tensor, Tensor1D, Tensor2D, Tensor4D } from "@tensorflow/tfjs";
import type { Tf } from "../tf-setup";
import { UnsupportedGraphError, type LayerNode } from "./graph";
import { batchNormAffine, foldBatchNormIntoConvolution } from "./batch-norm";

type Activation = "linear" | "relu" | "relu6" | "sigmoid" | "tanh" | "elu" | "softmax";
const ACTIVATIONS: readonly string[] = ["linear", "relu", "relu6", "sigmoid", "tanh", "elu", "softmax"];
/** Activations tf.fused.* can apply itself. */
const FUSABLE = new Set<Activation>(["linear", "relu", "relu6", "sigmoid", "elu"]);

/** Paddings of a 4-d NHWC tensor: [[0, 0], [top, bottom], [left, right], [0, 0]]. */
export type ExplicitPad = [[number, number], [number, number], [number, number], [number, number]];

/** One op of the forward pass: reads the outputs named `inputs`, produces `out` (a new tensor). */
export interface Step {
  out: string;
  inputs: string[];
  run(xs: Tensor[]): Tensor;
}

/** What a layer rule reads and records while the compiler walks the graph in order. */
export interface CompileContext {
  tf: Tf;
  /** Fold BN into convolutions and fuse activations and padding. */
  fold: boolean;
  /** The one layer that reads `name`'s output, when it may be folded into `name` (graph.ts soleConsumerOf). */
  soleConsumer: (name: string) => LayerNode | null;
  /** Takes ownership of a tensor the compiled network keeps; released by dispose(), or at once when compilation fails. */
  keep: <T extends Tensor>(t: T) => T;
  /** `name`'s output is `to`'s output (an identity layer, or a layer absorbed into `to`). */
  alias: (name: string, to: string) => void;
  /** A later layer is done: absorbed into the current one. */
  absorb: (name: string) => void;
  /** Padding merged into a later convolution (by the ZeroPadding2D before it). */
  explicitPads: Map<string, ExplicitPad>;
  /** Appends one op to the forward pass. */
  push: (step: Step) => void;
  /** Counts a BatchNormalization folded into a convolution. */
  countFoldedBatchNorm: () => void;
}

/** Turns one layer (its inputs already resolved to the names of computed outputs) into steps, aliases or absorptions. */
export type LayerRule = (node: LayerNode, inputs: string[], ctx: CompileContext) => void;

function num2(v: unknown, what: string): [number, number] {
  if (typeof v === "number") return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === "number")) return [v[0], v[1]];
  throw new UnsupportedGraphError(`${what}: expected a pair of numbers`);
}

function activationOf(v: unknown, where: string): Activation {
  const name = v == null ? "linear" : typeof v === "string" ? v : JSON.stringify(v);
  if (ACTIVATIONS.includes(name)) return name as Activation;
  throw new UnsupportedGraphError(`${where}: activation "${name}" is not supported`);
}

/** A ReLU layer as an activation name, or null when it has a slope/threshold/maximum we do not fuse. */
function reluLayerActivation(cfg: Record<string, unknown>): Activation | null {
  const slope = Number(cfg.negativeSlope ?? 0);
  const threshold = Number(cfg.threshold ?? 0);
  if (slope !== 0 || threshold !== 0) return null;
  const max = cfg.maxValue;
  if (max == null) return "relu";
  return Number(max) === 6 ? "relu6" : null;
}

function applyActivation(tf: Tf, x: Tensor, act: Activation): Tensor {
  switch (act) {
    case "linear":
      return x;
    case "relu":
      return tf.relu(x);
    case "relu6":
      return tf.relu6(x);
    case "sigmoid":
      return tf.sigmoid(x);
    case "tanh":
      return tf.tanh(x);
    case "elu":
      return tf.elu(x);
    case "softmax":
      return tf.softmax(x);
  }
}

function checkChannelsLast(node: LayerNode): void {
  const df = node.config.dataFormat;
  if (df != null && df !== "channelsLast") throw new UnsupportedGraphError(`${node.name}: data format ${JSON.stringify(df)}`);
}

const identity: LayerRule = (node, inputs, ctx) => ctx.alias(node.name, inputs[0]);

const zeroPadding: LayerRule = (node, inputs, ctx) => {
  checkChannelsLast(node);
  const p = node.config.padding;
  let pads: [[number, number], [number, number]];
  if (typeof p === "number") pads = [[p, p], [p, p]];
  else if (Array.isArray(p) && typeof p[0] === "number") pads = [[p[0], p[0]], [p[1] as number, p[1] as number]];
  else pads = [num2((p as unknown[])[0], node.name), num2((p as unknown[])[1], node.name)];
  const next = ctx.fold ? ctx.soleConsumer(node.name) : null;
  if (next && (next.cls === "Conv2D" || next.cls === "DepthwiseConv2D") && next.config.padding === "valid") {
    // Merged into the convolution as explicit padding.
    ctx.explicitPads.set(next.name, [[0, 0], pads[0], pads[1], [0, 0]]);
    ctx.alias(node.name, inputs[0]);
    return;
  }
  const paddings: [number, number][] = [[0, 0], pads[0], pads[1], [0, 0]];
  const { tf } = ctx;
  ctx.push({ out: node.name, inputs, run: ([x]) => tf.pad(x, paddings) });
};

/** The activation layer after a linear convolution that tf.fused can apply, or null. */
function fusableActivationAfter(next: LayerNode | null): Activation | null {
  if (next?.cls === "ReLU") return reluLayerActivation(next.config);
  if (next?.cls === "Activation") {
    const a = activationOf(next.config.activation, next.name);
    return FUSABLE.has(a) ? a : null;
  }
  return null;
}

const convolution: LayerRule = (node, inputs, ctx) => {
  const { tf } = ctx;
  const { name, config: cfg } = node;
  checkChannelsLast(node);
  const depthwise = node.cls === "DepthwiseConv2D";
  if (!depthwise && cfg.groups != null && cfg.groups !== 1) throw new UnsupportedGraphError(`${name}: grouped convolution`);
  const strides = num2(cfg.strides ?? 1, name);
  const dilations = num2(cfg.dilationRate ?? 1, name);
  const padding = ctx.explicitPads.get(name) ?? (cfg.padding === "same" ? "same" : "valid");
  let act = activationOf(cfg.activation, name);
  const layerKernel = node.weights[0] as Tensor4D;
  const layerBias = (cfg.useBias === false ? null : (node.weights[1] ?? null)) as Tensor1D | null;
  let kernel: Tensor4D;
  let bias: Tensor1D | null;
  let outName = name;
  // Fold a following BN (only when the conv is linear: BN after a nonlinearity does not commute).
  const bn = ctx.fold && act === "linear" ? ctx.soleConsumer(name) : null;
  if (bn && bn.cls === "BatchNormalization") {
    const folded = foldBatchNormIntoConvolution(tf, { kernel: layerKernel, bias: layerBias, depthwise }, bn);
    kernel = ctx.keep(folded.kernel);
    bias = ctx.keep(folded.bias);
    ctx.countFoldedBatchNorm();
    ctx.absorb(bn.name);
    ctx.alias(bn.name, name);
    outName = bn.name;
  } else {
    kernel = ctx.keep(tf.clone(layerKernel));
    bias = layerBias ? ctx.keep(tf.clone(layerBias)) : null;
  }
  // Fuse a following ReLU/ReLU6/Activation into the conv.
  if (ctx.fold && act === "linear") {
    const next = ctx.soleConsumer(outName);
    const nextAct = fusableActivationAfter(next);
    if (next && nextAct) {
      act = nextAct;
      ctx.absorb(next.name);
      ctx.alias(next.name, name);
    }
  }
  const fusedAct = FUSABLE.has(act) ? act : "linear";
  const post = FUSABLE.has(act) ? null : act;
  const b = bias ?? undefined;
  ctx.push({
    out: name,
    inputs,
    run: ([x]) => {
      const args = { x: x as Tensor4D, filter: kernel, strides, pad: padding as "same" | "valid", dilations, bias: b, activation: fusedAct as "linear" };
      const y = depthwise ? tf.fused.depthwiseConv2d(args) : tf.fused.conv2d(args);
      if (!post) return y;
      const z = applyActivation(tf, y, post);
      y.dispose();
      return z;
    },
  });
};

/** A BatchNormalization not folded (after a nonlinearity, or with folding off): x * scale + shift. */
const batchNormalization: LayerRule = (node, inputs, ctx) => {
  const { tf } = ctx;
  const affine = batchNormAffine(tf, node);
  const s = ctx.keep(affine.scale);
  const t = ctx.keep(affine.shift);
  ctx.push({ out: node.name, inputs, run: ([x]) => tf.tidy(() => tf.add(tf.mul(x, s), t)) });
};

const relu: LayerRule = (node, inputs, ctx) => {
  const a = reluLayerActivation(node.config);
  if (!a) throw new UnsupportedGraphError(`${node.name}: ReLU with slope/threshold/max_value other than 6`);
  ctx.push({ out: node.name, inputs, run: ([x]) => applyActivation(ctx.tf, x, a) });
};

const activation: LayerRule = (node, inputs, ctx) => {
  const a = activationOf(node.config.activation, node.name);
  if (a === "linear") ctx.alias(node.name, inputs[0]);
  else ctx.push({ out: node.name, inputs, run: ([x]) => applyActivation(ctx.tf, x, a) });
};

const add: LayerRule = (node, inputs, { tf, push }) => push({ out: node.name, inputs, run: (xs) => (xs.length === 2 ? tf.add(xs[0], xs[1]) : tf.addN(xs)) });

const concatenate: LayerRule = (node, inputs, { tf, push }) => {
  const axis = Number(node.config.axis ?? -1);
  push({ out: node.name, inputs, run: (xs) => tf.concat(xs, axis) });
};

const pooling: LayerRule = (node, inputs, { tf, push }) => {
  checkChannelsLast(node);
  const cfg = node.config;
  const pool = num2(cfg.poolSize ?? 2, node.name);
  const strides = num2(cfg.strides ?? cfg.poolSize ?? 2, node.name);
  const pad = cfg.padding === "same" ? "same" : "valid";
  const max = node.cls === "MaxPooling2D";
  push({ out: node.name, inputs, run: ([x]) => (max ? tf.maxPool(x as Tensor4D, pool, strides, pad) : tf.avgPool(x as Tensor4D, pool, strides, pad)) });
};

const globalPooling: LayerRule = (node, inputs, { tf, push }) => {
  checkChannelsLast(node);
  const keepDims = node.config.keepDims === true;
  const max = node.cls === "GlobalMaxPooling2D";
  push({ out: node.name, inputs, run: ([x]) => (max ? tf.max(x, [1, 2], keepDims) : tf.mean(x, [1, 2], keepDims)) });
};

const flatten: LayerRule = (node, inputs, { tf, push }) => push({ out: node.name, inputs, run: ([x]) => tf.reshape(x, [x.shape[0], -1]) });

const reshape: LayerRule = (node, inputs, { tf, push }) => {
  const target = node.config.targetShape as number[];
  push({ out: node.name, inputs, run: ([x]) => tf.reshape(x, [x.shape[0], ...target]) });
};

const dense: LayerRule = (node, inputs, ctx) => {
  const { tf } = ctx;
  const act = activationOf(node.config.activation, node.name);
  const kernel = ctx.keep(tf.clone(node.weights[0] as Tensor2D));
  const bias = node.config.useBias === false ? undefined : ctx.keep(tf.clone(node.weights[1] as Tensor1D));
  const fused = FUSABLE.has(act);
  ctx.push({
    out: node.name,
    inputs,
    run: ([x]) => {
      const flat = x.rank === 2 ? (x as Tensor2D) : tf.reshape<Rank.R2>(x, [x.shape[0], -1]);
      const y = tf.fused.matMul({ a: flat, b: kernel, bias, activation: fused ? (act as "linear") : "linear" });
      if (flat !== x) flat.dispose();
      if (fused) return y;
      const z = applyActivation(tf, y, act);
      y.dispose();
      return z;
    },
  });
};

/** Keras layer class name → rule. A class not listed here is unsupported. */
export const LAYER_RULES: ReadonlyMap<string, LayerRule> = new Map<string, LayerRule>([
  ["Dropout", identity],
  ["SpatialDropout2D", identity],
  ["GaussianNoise", identity],
  ["GaussianDropout", identity],
  ["ZeroPadding2D", zeroPadding],
  ["Conv2D", convolution],
  ["DepthwiseConv2D", convolution],
  ["BatchNormalization", batchNormalization],
  ["ReLU", relu],
  ["Activation", activation],
  ["Add", add],
  ["Concatenate", concatenate],
  ["AveragePooling2D", pooling],
  ["MaxPooling2D", pooling],
  ["GlobalAveragePooling2D", globalPooling],
  ["GlobalMaxPooling2D", globalPooling],
  ["Flatten", flatten],
  ["Reshape", reshape],
  ["Dense", dense],
]);
