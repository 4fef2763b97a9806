// The layer compiler: a frozen Keras-style tfjs LayersModel (the backbones' CNNs) compiled into
// a plain forward pass of tf ops, with every BatchNormalization folded into the convolution
// before it and the following ReLU/ReLU6 and any ZeroPadding2D fused into that convolution.
// graph.ts reads and prunes the graph, layers.ts turns each layer into ops (batch-norm.ts holds
// the folding math), execute.ts runs the ops.

import type { LayersModel, Tensor } from "@tensorflow/tfjs";
import type { Tf } from "../tf-setup";
import { neededLayers, readGraph, soleConsumerOf, UnsupportedGraphError } from "./graph";
import { LAYER_RULES, type CompileContext, type ExplicitPad, type Step } from "./layers";
import { networkOf, type FoldedNetwork } from "./execute";

export type { FoldedNetwork };

export interface CompileOptions {
  /** Fold BN into convolutions and fuse activations/padding (default true). False keeps one op per layer. */
  fold?: boolean;
}

/**
 * Compiles `model` up to the `targets` layers (by name) into a FoldedNetwork that takes NHWC
 * float32 batches and returns the targets' outputs. Exact for a frozen network: a BN in
 * inference mode is an affine map per channel (batch-norm.ts). The network owns its own weight
 * tensors: the LayersModel may be disposed afterwards.
 *
 * Throws UnsupportedGraphError for a layer class, option or topology it does not handle (the
 * caller then runs the LayersModel, as loadBackbone does), and an Error for a target the model
 * does not have. Whatever it throws, every tensor it had made is released first.
 */
export function compileFolded(tf: Tf, model: LayersModel, targets: string[], opts: CompileOptions = {}): FoldedNetwork {
  const graph = readGraph(model);
  const needed = neededLayers(graph, targets);
  const aliases = new Map<string, string>();
  const resolve = (n: string): string => {
    let r = n;
    while (aliases.has(r)) r = aliases.get(r) as string;
    return r;
  };
  const owned: Tensor[] = [];
  const steps: Step[] = [];
  const absorbed = new Set<string>();
  let foldedBatchNorms = 0;
  const ctx: CompileContext = {
    tf,
    fold: opts.fold ?? true,
    soleConsumer: soleConsumerOf(graph, needed, targets),
    keep: (t) => {
      owned.push(t);
      return t;
    },
    alias: (name, to) => aliases.set(name, to),
    absorb: (name) => absorbed.add(name),
    explicitPads: new Map<string, ExplicitPad>(),
    push: (step) => steps.push(step),
    countFoldedBatchNorm: () => foldedBatchNorms++,
  };
  try {
    for (const name of graph.order) {
      if (!needed.has(name) || absorbed.has(name)) continue;
      const node = graph.nodes.get(name);
      if (!node) continue;
      const rule = LAYER_RULES.get(node.cls);
      if (!rule) throw new UnsupportedGraphError(`${name}: layer type ${node.cls} is not supported`);
      rule(node, node.inputs.map(resolve), ctx);
    }
  } catch (err) {
    // The weights cloned or folded so far belong to no network: release them.
    tf.dispose(owned);
    throw err;
  }
  return networkOf(tf, { steps, inputName: graph.inputName, outputs: targets.map(resolve), owned, foldedBatchNorms });
}
