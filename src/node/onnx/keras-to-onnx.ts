// Converts a frozen Keras-style tfjs LayersModel (the backbones' CNNs: Conv2D, DepthwiseConv2D,
// BatchNormalization, ReLU/ReLU6, ZeroPadding2D, Add, Concatenate, pooling, Flatten, Dense) into
// an ONNX graph (opset 13) in NCHW layout, cut at the embedding layers and ending in the embedding
// the tfjs backbone computes (4-d outputs global-average-pooled, pieces concatenated): [batch, dim].
//
// It reuses the tfjs layer compiler's graph reading and batch-norm folding (src/classifier/compile/):
// a BatchNormalization after a linear convolution is folded into that convolution's kernel and
// bias exactly as tfjs runs it; any other becomes x * scale + shift. onnxruntime's optimiser then
// fuses each Clip (ReLU6) into its convolution. Layers it does not know raise UnsupportedGraphError
// (callers then keep tfjs).
//
// Layout: Keras kernels are HWIO ([kh, kw, in, out]); ONNX Conv wants OIHW. A depthwise kernel
// [kh, kw, in, mult] becomes [in * mult, 1, kh, kw] with group = in (output channel c * mult + m,
// as tfjs orders them). TensorFlow's "same" padding puts the odd pixel at the end (SAME_UPPER);
// it is written as explicit pads so that no shape inference is needed. Flatten keeps Keras's
// NHWC order (a transpose first, unless the map is 1x1).

import type { LayersModel, Tensor, Tensor1D, Tensor4D } from "@tensorflow/tfjs";
import { onnx } from "onnx-proto";
import type { Tf } from "../../classifier/tf-setup";
import { UnsupportedGraphError, neededLayers, readGraph, soleConsumerOf, type LayerNode } from "../../classifier/compile/graph";
import { batchNormAffine, foldBatchNormIntoConvolution } from "../../classifier/compile/batch-norm";

export interface OnnxBackboneGraph {
  /** The serialised ModelProto (opset 13). */
  bytes: Uint8Array;
  /** Input tensor name: float32 [batch, 3, size, size] (NCHW), already scaled to the network's range. */
  inputName: string;
  /** Output tensor name: float32 [batch, dim]. */
  outputName: string;
  inputSize: number;
  dim: number;
  /** BatchNormalization layers folded into the convolution before them. */
  foldedBatchNorms: number;
}

const OPSET = 13;
const IR_VERSION = 7;

type Shape = (number | null)[];

interface Value {
  name: string;
  /** NHWC shape as Keras reports it (batch null), or [null, n] for 2-d. */
  shape: Shape;
}

function pair(v: unknown, what: string): [number, number] {
  if (typeof v === "number") return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === "number")) return [v[0], v[1]];
  throw new UnsupportedGraphError(`${what}: expected a pair of numbers`);
}

function attrInts(name: string, ints: number[]): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints };
}
function attrInt(name: string, i: number): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i };
}

function floatTensor(name: string, dims: number[], data: Float32Array): onnx.ITensorProto {
  const raw = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw };
}
function int64Tensor(name: string, values: number[]): onnx.ITensorProto {
  const data = new BigInt64Array(values.map((v) => BigInt(v)));
  return { name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, rawData: new Uint8Array(data.buffer) };
}

/** TensorFlow's padding for one spatial axis: [begin, end]. */
function tfPads(padding: string, size: number, kernel: number, stride: number, dilation: number): [number, number] {
  if (padding !== "same") return [0, 0];
  const out = Math.ceil(size / stride);
  const total = Math.max(0, (out - 1) * stride + (kernel - 1) * dilation + 1 - size);
  const begin = Math.floor(total / 2);
  return [begin, total - begin];
}

/** HWIO → OIHW. */
function convKernel(w: Float32Array, [kh, kw, ci, co]: number[]): Float32Array {
  const out = new Float32Array(w.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) out[((o * ci + i) * kh + y) * kw + x] = w[((y * kw + x) * ci + i) * co + o];
  return out;
}

/** Depthwise [kh, kw, in, mult] → [in * mult, 1, kh, kw]. */
function depthwiseKernel(w: Float32Array, [kh, kw, ci, m]: number[]): Float32Array {
  const out = new Float32Array(w.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let k = 0; k < m; k++) out[((i * m + k) * kh + y) * kw + x] = w[((y * kw + x) * ci + i) * m + k];
  return out;
}

function dataOf(t: Tensor): Float32Array {
  return Float32Array.from(t.dataSync() as Float32Array);
}

/**
 * Converts `model` up to the `targets` layers (by name) into an ONNX graph whose output is the
 * embedding the tfjs backbone computes from those layers. Reads the weights; does not keep or
 * dispose the model. Throws UnsupportedGraphError for a layer or option it does not convert.
 */
export function kerasToOnnx(tf: Tf, model: LayersModel, targets: string[]): OnnxBackboneGraph {
  const inShape = model.inputs[0]?.shape ?? [];
  const size = inShape[1];
  if (inShape.length !== 4 || typeof size !== "number" || inShape[2] !== size || inShape[3] !== 3) {
    throw new UnsupportedGraphError(`expected a square RGB input, got ${JSON.stringify(inShape)}`);
  }
  // The layer compiler's graph reading (one node per layer, pruned to what the targets need, the
  // single-consumer rule for folding), plus each layer's Keras output shape for padding and Flatten.
  const layers = readGraph(model);
  const needed = neededLayers(layers, targets);
  const soleConsumer = soleConsumerOf(layers, needed, targets);
  const outShapes = new Map<string, Shape>();
  for (const layer of model.layers) {
    const shape: unknown = layer.outputShape;
    if (!Array.isArray(shape) || Array.isArray(shape[0])) {
      if (needed.has(layer.name)) throw new UnsupportedGraphError(`${layer.name}: several outputs`);
      continue;
    }
    outShapes.set(layer.name, shape as Shape);
  }
  const inputLayer = layers.inputName;

  const nodes: onnx.INodeProto[] = [];
  const inits: onnx.ITensorProto[] = [];
  const values = new Map<string, Value>([[inputLayer, { name: "input", shape: [null, size, size, 3] }]]);
  /** Pads [top, left, bottom, right] from a ZeroPadding2D merged into the conv that reads it. */
  const mergedPads = new Map<string, number[]>();
  let foldedBatchNorms = 0;
  const valueOf = (n: string): Value => {
    const v = values.get(n);
    if (!v) throw new UnsupportedGraphError(`internal: ${n} not converted before use`);
    return v;
  };
  const add = (op: string, inputs: string[], output: string, attribute: onnx.IAttributeProto[] = []): void => {
    nodes.push({ opType: op, input: inputs, output: [output], name: output, attribute });
  };
  /** Keras activation `act` of `input` into `output` (softmax over the channel axis, which is 1 in NCHW as in 2-d). */
  const activation = (act: string, input: string, output: string, where: string): void => {
    if (act === "linear") add("Identity", [input], output);
    else if (act === "relu") add("Relu", [input], output);
    else if (act === "relu6") add("Clip", [input, "const/zero", "const/six"], output);
    else if (act === "sigmoid") add("Sigmoid", [input], output);
    else if (act === "tanh") add("Tanh", [input], output);
    else if (act === "elu") add("Elu", [input], output);
    else if (act === "softmax") add("Softmax", [input], output, [attrInt("axis", 1)]);
    else throw new UnsupportedGraphError(`${where}: activation "${act}" is not converted to ONNX`);
  };
  const activationName = (v: unknown): string => (v == null ? "linear" : typeof v === "string" ? v : JSON.stringify(v));

  /** Batch norms folded into the convolution before them: skipped when the walk reaches them. */
  const absorbed = new Set<string>();
  for (const name of layers.order) {
    if (!needed.has(name) || absorbed.has(name)) continue;
    const { cls, config: cfg, inputs, weights } = layers.nodes.get(name) as LayerNode;
    const outShape = outShapes.get(name) ?? [];
    const df = cfg.dataFormat;
    if (df != null && df !== "channelsLast") throw new UnsupportedGraphError(`${name}: data format ${JSON.stringify(df)}`);
    const xs = inputs.map(valueOf);
    const x = xs[0];
    const out = (shape: Shape = outShape): Value => {
      const v = { name, shape };
      values.set(name, v);
      return v;
    };
    switch (cls) {
      case "Dropout":
      case "SpatialDropout2D":
      case "GaussianNoise":
      case "GaussianDropout":
        values.set(name, x);
        break;
      case "ZeroPadding2D": {
        const p = cfg.padding;
        let hw: [[number, number], [number, number]];
        if (typeof p === "number") hw = [[p, p], [p, p]];
        else if (Array.isArray(p) && typeof p[0] === "number") hw = [[p[0], p[0]], [p[1] as number, p[1] as number]];
        else hw = [pair((p as unknown[])[0], name), pair((p as unknown[])[1], name)];
        const pads = [hw[0][0], hw[1][0], hw[0][1], hw[1][1]];
        const next = soleConsumer(name);
        if (next && (next.cls === "Conv2D" || next.cls === "DepthwiseConv2D") && next.config.padding === "valid") {
          mergedPads.set(next.name, pads);
          values.set(name, x);
          break;
        }
        const padsName = `${name}/pads`;
        inits.push(int64Tensor(padsName, [0, 0, pads[0], pads[1], 0, 0, pads[2], pads[3]]));
        add("Pad", [x.name, padsName], name);
        out();
        break;
      }
      case "Conv2D":
      case "DepthwiseConv2D": {
        const depthwise = cls === "DepthwiseConv2D";
        if (!depthwise && cfg.groups != null && cfg.groups !== 1) throw new UnsupportedGraphError(`${name}: grouped convolution`);
        const [sh, sw] = pair(cfg.strides ?? 1, name);
        const [dh, dw] = pair(cfg.dilationRate ?? 1, name);
        const kernel = weights[0];
        if (!kernel || kernel.rank !== 4) throw new UnsupportedGraphError(`${name}: expected a 4-d kernel`);
        const kshape = kernel.shape as [number, number, number, number];
        const [kh, kw, ci, k3] = kshape;
        const inH = x.shape[1];
        const inW = x.shape[2];
        if (typeof inH !== "number" || typeof inW !== "number") throw new UnsupportedGraphError(`${name}: unknown input size`);
        const merged = mergedPads.get(name);
        let pads: number[];
        if (merged) pads = merged;
        else {
          const [t, b] = tfPads(String(cfg.padding), inH, kh, sh, dh);
          const [l, r] = tfPads(String(cfg.padding), inW, kw, sw, dw);
          pads = [t, l, b, r];
        }
        const act = activationName(cfg.activation);
        let bias = cfg.useBias === false ? null : ((weights[1] as Tensor1D | undefined) ?? null);
        // A following BatchNormalization folds into the kernel and bias (only after a linear
        // convolution: BN after a nonlinearity does not commute), with the layer compiler's math.
        const bn = act === "linear" ? soleConsumer(name) : null;
        let folded: { kernel: Tensor4D; bias: Tensor1D } | null = null;
        if (bn?.cls === "BatchNormalization") {
          folded = foldBatchNormIntoConvolution(tf, { kernel: kernel as Tensor4D, bias, depthwise }, bn);
          bias = folded.bias;
          absorbed.add(bn.name);
          foldedBatchNorms++;
        }
        const outC = depthwise ? ci * k3 : k3;
        const wName = `${name}/kernel`;
        try {
          const data = dataOf(folded ? folded.kernel : kernel);
          inits.push(floatTensor(wName, depthwise ? [outC, 1, kh, kw] : [outC, ci, kh, kw], depthwise ? depthwiseKernel(data, kshape) : convKernel(data, kshape)));
          if (bias) inits.push(floatTensor(`${name}/bias`, [outC], dataOf(bias)));
        } finally {
          if (folded) tf.dispose([folded.kernel, folded.bias]);
        }
        const convInputs = bias ? [x.name, wName, `${name}/bias`] : [x.name, wName];
        const convOut = act === "linear" ? name : `${name}/conv`;
        add("Conv", convInputs, convOut, [
          attrInts("kernel_shape", [kh, kw]),
          attrInts("strides", [sh, sw]),
          attrInts("dilations", [dh, dw]),
          attrInts("pads", pads),
          attrInt("group", depthwise ? ci : 1),
        ]);
        if (act !== "linear") activation(act, convOut, name, name);
        const v = out();
        if (bn && absorbed.has(bn.name)) values.set(bn.name, v);
        break;
      }
      case "BatchNormalization": {
        // Not after a linear convolution: x * scale + shift per channel (axis 1 in NCHW).
        if (x.shape.length !== 4) throw new UnsupportedGraphError(`${name}: BatchNormalization of a ${x.shape.length}-d value`);
        const { scale, shift } = batchNormAffine(tf, { name, config: cfg, weights });
        try {
          const c = scale.shape[0];
          inits.push(floatTensor(`${name}/scale`, [1, c, 1, 1], dataOf(scale)), floatTensor(`${name}/shift`, [1, c, 1, 1], dataOf(shift)));
        } finally {
          tf.dispose([scale, shift]);
        }
        add("Mul", [x.name, `${name}/scale`], `${name}/scaled`);
        add("Add", [`${name}/scaled`, `${name}/shift`], name);
        out();
        break;
      }
      case "ReLU": {
        const slope = Number(cfg.negativeSlope ?? 0);
        const threshold = Number(cfg.threshold ?? 0);
        if (slope !== 0 || threshold !== 0) throw new UnsupportedGraphError(`${name}: ReLU with a slope or threshold`);
        if (cfg.maxValue == null) add("Relu", [x.name], name);
        else if (Number(cfg.maxValue) === 6) add("Clip", [x.name, "const/zero", "const/six"], name);
        else throw new UnsupportedGraphError(`${name}: ReLU with max_value ${JSON.stringify(cfg.maxValue)}`);
        out();
        break;
      }
      case "Activation":
        activation(activationName(cfg.activation), x.name, name, name);
        out();
        break;
      case "Add":
        add(xs.length === 2 ? "Add" : "Sum", xs.map((v) => v.name), name);
        out();
        break;
      case "Concatenate": {
        const rank = x.shape.length;
        const axis = Number(cfg.axis ?? -1);
        const nhwc = axis < 0 ? axis + rank : axis;
        // NHWC axis → NCHW axis (4-d); 2-d values keep their axes.
        const onnxAxis = rank === 4 ? [0, 2, 3, 1][nhwc] : nhwc;
        if (onnxAxis === undefined || nhwc < 1 || nhwc >= rank) throw new UnsupportedGraphError(`${name}: concatenation over axis ${axis}`);
        add("Concat", xs.map((v) => v.name), name, [attrInt("axis", onnxAxis)]);
        out();
        break;
      }
      case "Dense": {
        if (x.shape.length !== 2) throw new UnsupportedGraphError(`${name}: Dense on a ${x.shape.length}-d value`);
        const kernel = weights[0];
        if (!kernel || kernel.rank !== 2) throw new UnsupportedGraphError(`${name}: expected a 2-d kernel`);
        const gemmInputs = [x.name, `${name}/kernel`];
        inits.push(floatTensor(`${name}/kernel`, kernel.shape, dataOf(kernel)));
        if (cfg.useBias !== false && weights[1]) {
          inits.push(floatTensor(`${name}/bias`, weights[1].shape, dataOf(weights[1])));
          gemmInputs.push(`${name}/bias`);
        }
        const act = activationName(cfg.activation);
        const gemmOut = act === "linear" ? name : `${name}/gemm`;
        add("Gemm", gemmInputs, gemmOut);
        if (act !== "linear") activation(act, gemmOut, name, name);
        out();
        break;
      }
      case "AveragePooling2D":
      case "MaxPooling2D": {
        const [ph, pw] = pair(cfg.poolSize ?? 2, name);
        const [sh, sw] = pair(cfg.strides ?? cfg.poolSize ?? 2, name);
        if (cfg.padding === "same") throw new UnsupportedGraphError(`${name}: pooling with "same" padding`);
        add(cls === "MaxPooling2D" ? "MaxPool" : "AveragePool", [x.name], name, [attrInts("kernel_shape", [ph, pw]), attrInts("strides", [sh, sw])]);
        out();
        break;
      }
      case "GlobalAveragePooling2D":
      case "GlobalMaxPooling2D": {
        if (cfg.keepDims === true) throw new UnsupportedGraphError(`${name}: keepDims`);
        add(cls === "GlobalMaxPooling2D" ? "GlobalMaxPool" : "GlobalAveragePool", [x.name], `${name}/pool`);
        add("Flatten", [`${name}/pool`], name, [attrInt("axis", 1)]);
        out();
        break;
      }
      case "Flatten": {
        if (x.shape.length === 2) {
          values.set(name, x);
          break;
        }
        // Keras flattens NHWC; a 1x1 map flattens the same in NCHW, a larger one needs NHWC first.
        const spatial1 = x.shape[1] === 1 && x.shape[2] === 1;
        let src = x.name;
        if (!spatial1) {
          add("Transpose", [x.name], `${name}/nhwc`, [attrInts("perm", [0, 2, 3, 1])]);
          src = `${name}/nhwc`;
        }
        add("Flatten", [src], name, [attrInt("axis", 1)]);
        out();
        break;
      }
      default:
        throw new UnsupportedGraphError(`${name}: layer type ${cls} is not converted to ONNX`);
    }
  }

  // The embedding: 4-d targets average-pooled over space, 2-d ones as they are, concatenated.
  const pieces: string[] = [];
  let dim = 0;
  for (const t of targets) {
    const v = valueOf(t);
    if (v.shape.length === 4) {
      add("GlobalAveragePool", [v.name], `${t}/gap`);
      add("Flatten", [`${t}/gap`], `${t}/embedding`, [attrInt("axis", 1)]);
      pieces.push(`${t}/embedding`);
      dim += Number(v.shape[3]);
    } else if (v.shape.length === 2) {
      pieces.push(v.name);
      dim += Number(v.shape[1]);
    } else throw new UnsupportedGraphError(`${t}: a ${v.shape.length}-d output`);
  }
  const outputName = "embedding";
  if (pieces.length === 1) add("Identity", [pieces[0]], outputName);
  else add("Concat", pieces, outputName, [attrInt("axis", 1)]);

  inits.push(floatTensor("const/zero", [], new Float32Array([0])), floatTensor("const/six", [], new Float32Array([6])));
  const floatType = (dims: (number | string)[]): onnx.ITypeProto => ({
    tensorType: {
      elemType: onnx.TensorProto.DataType.FLOAT,
      shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
    },
  });
  const graph: onnx.IGraphProto = {
    name: "backbone",
    node: nodes,
    initializer: inits,
    input: [{ name: "input", type: floatType(["batch", 3, size, size]) }],
    output: [{ name: outputName, type: floatType(["batch", dim]) }],
  };
  const modelProto: onnx.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: "", version: OPSET }],
    producerName: "lesson-lab",
    graph,
  };
  const bytes = onnx.ModelProto.encode(onnx.ModelProto.create(modelProto)).finish();
  return { bytes, inputName: "input", outputName, inputSize: size, dim, foldedBatchNorms };
}
