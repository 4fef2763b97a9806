// Graph building for the layer compiler: a frozen tfjs LayersModel read as one node per layer,
// pruned to what a set of target layers needs, with the single-consumer query that decides
// which layers may be fused into the one before them. Allocates no tensors: node weights are
// the model's own (Layer.getWeights reads the variables, it does not copy them).

import type { LayersModel, Tensor } from "@tensorflow/tfjs";

/** A model the compiler cannot run (a layer type, option or topology it does not handle); callers then run the LayersModel. */
export class UnsupportedGraphError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsupportedGraphError";
  }
}

/** One layer of the model: its Keras class name, its config (tfjs keys, camelCase), its input layers by name, its weights (borrowed). */
export interface LayerNode {
  name: string;
  cls: string;
  config: Record<string, unknown>;
  inputs: string[];
  weights: Tensor[];
}

export interface LayerGraph {
  /** Every layer but the input layer, by name. */
  nodes: Map<string, LayerNode>;
  /** Layer names in the model's topological order. */
  order: string[];
  /** The name of the model's one input layer. */
  inputName: string;
}

/**
 * Reads the graph of a LayersModel: one node per layer, inputs by layer name.
 * Throws UnsupportedGraphError for several inputs, shared layers (a layer applied twice) or no input layer.
 */
export function readGraph(model: LayersModel): LayerGraph {
  const nodes = new Map<string, LayerNode>();
  const order: string[] = [];
  if (model.inputs.length !== 1) throw new UnsupportedGraphError(`model has ${model.inputs.length} inputs, expected 1`);
  let inputName = "";
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (cls === "InputLayer") {
      inputName = layer.name;
      continue;
    }
    if (layer.inboundNodes.length !== 1) throw new UnsupportedGraphError(`${layer.name}: shared layers are not supported`);
    const inbound = layer.inboundNodes[0].inboundLayers;
    const inputs = inbound.map((l) => l.name);
    for (const l of inbound) if (l.getClassName() === "InputLayer") inputName = l.name;
    nodes.set(layer.name, { name: layer.name, cls, config: layer.getConfig(), inputs, weights: layer.getWeights() });
    order.push(layer.name);
  }
  if (inputName === "") throw new UnsupportedGraphError("model has no input layer");
  return { nodes, order, inputName };
}

/**
 * The layers the `targets` depend on (the targets included, the input layer not).
 * Throws an Error for a target the model does not have.
 */
export function neededLayers(graph: LayerGraph, targets: readonly string[]): Set<string> {
  for (const t of targets) if (!graph.nodes.has(t)) throw new Error(`Layer "${t}" not found in the model`);
  const needed = new Set<string>();
  const stack = [...targets];
  while (stack.length > 0) {
    const n = stack.pop() as string;
    if (n === graph.inputName || needed.has(n)) continue;
    needed.add(n);
    const node = graph.nodes.get(n);
    if (!node) throw new UnsupportedGraphError(`layer "${n}" is not part of the model graph`);
    stack.push(...node.inputs);
  }
  return needed;
}

/**
 * For a layer name, the one needed layer that reads it, or null when several (or none) do, or
 * when the layer is itself a target (its own output must survive). Only such a consumer may be
 * folded or fused into the layer.
 */
export function soleConsumerOf(graph: LayerGraph, needed: ReadonlySet<string>, targets: readonly string[]): (name: string) => LayerNode | null {
  const consumers = new Map<string, string[]>();
  for (const n of graph.order) {
    if (!needed.has(n)) continue;
    for (const i of (graph.nodes.get(n) as LayerNode).inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  }
  const targetSet = new Set(targets);
  return (name) => {
    const c = consumers.get(name) ?? [];
    if (c.length !== 1 || targetSet.has(name)) return null;
    return graph.nodes.get(c[0]) ?? null;
  };
}
