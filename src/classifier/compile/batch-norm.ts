// The batch-norm folding math of the layer compiler. A frozen BatchNormalization (inference
// mode) is an affine map per channel, so it folds exactly into the convolution before it.
// Method: Ioffe & Szegedy 2015 (batch normalization, inference form); folding it into the
// preceding convolution is the standard inference-time rewrite (TensorFlow's fold_batch_norms,
// onnxruntime's Conv+BatchNormalization fusion).
//
//   scale = gamma / sqrt(movingVariance + epsilon)     (gamma = 1 when the layer has scale: false)
//   shift = beta - movingMean * scale                  (beta = 0 when the layer has center: false)
//   kernel' = kernel * scale      (per output channel)
//   bias'   = bias * scale + shift (bias = 0 for a convolution without one)

import type { Tensor, Tensor1D, Tensor4D } from "@tensorflow/tfjs";
import type { Tf } from "../tf-setup";
import { UnsupportedGraphError } from "./graph";

/** A frozen BatchNormalization as y = x * scale + shift over the last (channel) axis; both [channels] float32. */
export interface BatchNormAffine {
  scale: Tensor1D;
  shift: Tensor1D;
}

/** The parts of a BatchNormalization layer the fold reads: tfjs config keys (axis, scale, center, epsilon) and weights in Keras order. */
export interface BatchNormLayer {
  name: string;
  config: Record<string, unknown>;
  /** [gamma] (unless scale: false), [beta] (unless center: false), movingMean, movingVariance; each [channels]. */
  weights: Tensor[];
}

/**
 * The per-channel affine map of a frozen BatchNormalization (formula in this file's header).
 * Returns new tensors the caller disposes; the layer's weights are only read.
 * Throws UnsupportedGraphError for a normalisation over any axis but the last (channels-last
 * images: -1 or 3) and for missing moving statistics.
 */
export function batchNormAffine(tf: Tf, bn: BatchNormLayer): BatchNormAffine {
  const cfg = bn.config;
  const axis = cfg.axis;
  if (!(axis === -1 || axis === 3 || (Array.isArray(axis) && axis.length === 1 && (axis[0] === -1 || axis[0] === 3)))) {
    throw new UnsupportedGraphError(`${bn.name}: BatchNormalization over axis ${JSON.stringify(axis)}`);
  }
  const w = [...bn.weights];
  const gamma = cfg.scale === false ? null : w.shift();
  const beta = cfg.center === false ? null : w.shift();
  const [mean, variance] = w as [Tensor1D | undefined, Tensor1D | undefined];
  if (!mean || !variance) throw new UnsupportedGraphError(`${bn.name}: missing moving statistics`);
  const eps = Number(cfg.epsilon ?? 1e-3);
  return tf.tidy(() => {
    let scale = tf.rsqrt(tf.add(variance, eps)) as Tensor1D;
    if (gamma) scale = tf.mul(scale, gamma);
    let shift = tf.neg(tf.mul(mean, scale)) as Tensor1D;
    if (beta) shift = tf.add(shift, beta);
    return { scale, shift };
  });
}

/**
 * Folds `bn` into the convolution before it: kernel' = kernel * scale per output channel,
 * bias' = bias * scale + shift. `kernel` is [kh, kw, in, out] for Conv2D, or [kh, kw, in, mult]
 * for DepthwiseConv2D (output channel c * mult + m, tfjs's order); `bias` is [out] or null.
 * Returns new tensors the caller disposes (nothing else is left behind, also when it throws);
 * the inputs are only read. Throws as batchNormAffine does, and tfjs's shape error when the
 * layer's channels do not match the kernel's outputs.
 */
export function foldBatchNormIntoConvolution(
  tf: Tf,
  conv: { kernel: Tensor4D; bias: Tensor1D | null; depthwise: boolean },
  bn: BatchNormLayer,
): { kernel: Tensor4D; bias: Tensor1D } {
  return tf.tidy(() => {
    const { scale, shift } = batchNormAffine(tf, bn);
    const [, , inC, mult] = conv.kernel.shape;
    const kernel = conv.depthwise ? tf.mul(conv.kernel, tf.reshape(scale, [1, 1, inC, mult])) : tf.mul(conv.kernel, scale);
    const bias = conv.bias ? tf.add(tf.mul(conv.bias, scale), shift) : tf.clone(shift);
    return { kernel: kernel as Tensor4D, bias: bias as Tensor1D };
  });
}
