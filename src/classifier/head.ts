// The trainable part of the classifier: a small softmax head on frozen backbone embeddings.
// Linear by default (fastai's frozen-body first phase); one hidden ReLU layer on request.
// The tfjs model outputs logits; `predict` applies the softmax.
import type * as T from "@tensorflow/tfjs";
import { tfjs } from "./tf-lazy";
import { standardizerOf } from "./standardize";

export interface HeadOptions {
  /** Units of the hidden ReLU layer; 0 (default) = linear head. */
  hidden?: number;
  /** L2 penalty on the kernels, added to the loss that is minimised (not to the loss reported). Default: headL2. */
  l2?: number;
  /** Adam learning rate. */
  lr?: number;
  /** Seeds the weight initialisers. */
  seed?: number;
  /** Standardise every embedding dimension with the training set's mean and deviation. */
  standardize?: boolean;
}

/** What metadata.json records about the head (enough to rebuild and explain it). */
export interface HeadConfig {
  type: "linear" | "mlp";
  hidden: number;
  l2: number;
  lr: number;
  standardize: boolean;
  inputDim: number;
  numLabels: number;
}

export { STD_FLOOR } from "./standardize";

/**
 * The head's defaults: linear (fastai's first phase with a frozen body trains only a linear
 * head; a hidden layer measured no better at ten times the time), Adam at lr 3e-3, L2 1e-4.
 * `standardize: false` is the default for a head built alone; the pipeline standardises when the
 * backbone asks for it (backbone.ts standardizeByDefault: the default backbone does).
 */
export const HEAD_DEFAULTS = { hidden: 0, l2: 1e-4, lr: 3e-3, seed: 42, standardize: false } as const;

// The L2 penalty of a head on standardised inputs (the default backbone's). Chosen on
// bench/quality.ts (5-fold error rate at 40 per label, 3 seeds, the pipeline's 10 epochs on plain
// + 2 augmented views): Fashion-MNIST 0.210 with 1e-4, 0.209 with 1e-2, 0.214 with 3e-2;
// Twemoji 0.415, 0.406, 0.401 (1e-3 0.415, 1e-1 0.424); mean of the two 0.313 → 0.307; the
// held-out digits 0.120 → 0.109. Per-dataset choice by inner cross-validation (train.ts
// chooseL2 over 1e-3…1e-1) picked 3e-2 in every fold of Fashion-MNIST, so a fixed value does
// as well here without its 12 extra head fits. At 150 per label (one seed) 1e-2 is neutral to
// slightly worse: Fashion-MNIST 0.149 → 0.157, Twemoji 0.347 → 0.344 (README, quality section).
export const STANDARDIZED_HEAD_L2 = 1e-2;

/** The L2 penalty a head uses: `l2` when given, else STANDARDIZED_HEAD_L2 on standardised inputs, else HEAD_DEFAULTS.l2. */
export function headL2(standardize: boolean, l2?: number): number {
  return l2 ?? (standardize ? STANDARDIZED_HEAD_L2 : HEAD_DEFAULTS.l2);
}

export class Head {
  private optimizer: T.Optimizer | null = null;
  private mean: Float32Array | null = null;
  private std: Float32Array | null = null;
  private disposed = false;

  private constructor(
    readonly model: T.LayersModel,
    readonly config: HeadConfig,
  ) {}

  static create(inputDim: number, numLabels: number, options: HeadOptions = {}): Head {
    if (!(inputDim > 0) || !(numLabels >= 2)) throw new Error(`A head needs an input size and at least two labels (got ${inputDim}, ${numLabels}).`);
    const hidden = Math.max(0, Math.floor(options.hidden ?? HEAD_DEFAULTS.hidden));
    const seed = options.seed ?? HEAD_DEFAULTS.seed;
    const tf = tfjs();
    const standardize = options.standardize ?? HEAD_DEFAULTS.standardize;
    const config: HeadConfig = {
      type: hidden > 0 ? "mlp" : "linear",
      hidden,
      l2: headL2(standardize, options.l2),
      lr: options.lr ?? HEAD_DEFAULTS.lr,
      standardize,
      inputDim,
      numLabels,
    };
    const model = tf.sequential();
    if (hidden > 0) {
      model.add(
        tf.layers.dense({
          inputShape: [inputDim],
          units: hidden,
          activation: "relu",
          kernelInitializer: tf.initializers.heNormal({ seed }),
          name: "hidden",
        }),
      );
    }
    model.add(
      tf.layers.dense({
        ...(hidden > 0 ? {} : { inputShape: [inputDim] }),
        units: numLabels,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
        name: "logits",
      }),
    );
    return new Head(model, config);
  }

  /** Wraps a loaded model (no standardisation: it was folded into the weights before saving). */
  static fromModel(model: T.LayersModel, config: HeadConfig): Head {
    const shape = model.outputs[0].shape;
    const inShape = model.inputs[0].shape;
    if (shape[shape.length - 1] !== config.numLabels) {
      model.dispose();
      throw new Error(`The model has ${String(shape[shape.length - 1])} outputs but its metadata names ${config.numLabels} labels.`);
    }
    if (inShape[inShape.length - 1] !== config.inputDim) {
      model.dispose();
      throw new Error(`The model takes ${String(inShape[inShape.length - 1])}-d embeddings but its metadata says ${config.inputDim}.`);
    }
    return new Head(model, { ...config, standardize: false });
  }

  /** Learns the per-dimension mean and deviation from the training embeddings (when enabled). */
  fitStandardizer(embeddings: Float32Array[]): void {
    if (!this.config.standardize || embeddings.length === 0) return;
    const { mean, std } = standardizerOf(embeddings);
    this.mean = mean;
    this.std = std;
  }

  private toTensor(embeddings: Float32Array[]): T.Tensor2D {
    const tf = tfjs();
    const dim = this.config.inputDim;
    const flat = new Float32Array(embeddings.length * dim);
    embeddings.forEach((e, i) => {
      if (e.length !== dim) throw new Error(`Embedding of size ${e.length} given to a head that takes ${dim}.`);
      if (this.mean && this.std) for (let j = 0; j < dim; j++) flat[i * dim + j] = (e[j] - this.mean[j]) / this.std[j];
      else flat.set(e, i * dim);
    });
    return tf.tensor2d(flat, [embeddings.length, dim]);
  }

  /** One Adam step on a batch; returns the batch's mean cross-entropy (without the L2 term). */
  trainBatch(embeddings: Float32Array[], labels: number[]): number {
    const tf = tfjs();
    this.assertLive();
    if (!this.optimizer) this.optimizer = tf.train.adam(this.config.lr);
    const optimizer = this.optimizer;
    const kernels = this.model.trainableWeights.filter((w) => w.name.includes("kernel")).map((w) => w.read());
    const vars = this.model.trainableWeights.map((w) => w.read() as T.Variable);
    let ce: T.Scalar | null = null;
    tf.tidy(() => {
      const x = this.toTensor(embeddings);
      const y = tf.oneHot(tf.tensor1d(labels, "int32"), this.config.numLabels);
      optimizer.minimize(
        () => {
          const logits = this.model.apply(x, { training: true }) as T.Tensor;
          const loss = tf.losses.softmaxCrossEntropy<T.Tensor, T.Scalar>(y, logits);
          ce = tf.keep(loss.clone());
          if (this.config.l2 <= 0) return loss;
          const penalty = tf.addN(kernels.map((k) => tf.sum(tf.square(k)))).mul(this.config.l2);
          return loss.add<T.Scalar>(penalty);
        },
        false,
        vars,
      );
    });
    const value = (ce as T.Scalar | null)?.dataSync()[0] ?? NaN;
    (ce as T.Scalar | null)?.dispose();
    return value;
  }

  /** Softmax probabilities for each embedding, in label order. */
  predict(embeddings: Float32Array[]): Float32Array[] {
    const tf = tfjs();
    this.assertLive();
    const out: Float32Array[] = [];
    const n = this.config.numLabels;
    for (let start = 0; start < embeddings.length; start += 256) {
      const chunk = embeddings.slice(start, start + 256);
      const probs = tf.tidy(() => tf.softmax(this.model.predict(this.toTensor(chunk)) as T.Tensor).dataSync());
      for (let i = 0; i < chunk.length; i++) out.push(Float32Array.from(probs.subarray(i * n, (i + 1) * n)));
    }
    return out;
  }

  /**
   * Moves the standardisation into the first layer's weights (W/std, b - mean·W/std), so that the
   * saved model takes raw embeddings and needs no extra statistics.
   */
  foldStandardization(): void {
    const tf = tfjs();
    this.assertLive();
    if (!this.mean || !this.std) return;
    const layer = this.model.layers[0];
    const mean = this.mean;
    const std = this.std;
    const [kernel, bias] = layer.getWeights();
    const folded = tf.tidy(() => {
      const invStd = tf.tensor2d(std, [std.length, 1]).reciprocal();
      const w = kernel.mul(invStd);
      const b = bias.sub(tf.matMul(tf.tensor2d(mean, [1, mean.length]), w).reshape(bias.shape));
      return [w, b];
    });
    layer.setWeights(folded);
    folded.forEach((t) => t.dispose());
    this.mean = null;
    this.std = null;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.optimizer?.dispose();
    this.optimizer = null;
    this.model.dispose();
  }

  private assertLive(): void {
    if (this.disposed) throw new Error("This classifier head was disposed.");
  }
}
