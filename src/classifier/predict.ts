// Using a trained classifier: image → label and probabilities. No Obsidian, no file access of
// its own: bytes come from the caller, decoding from an ImageDecoder.
import type { ImageDecoder, RgbImage } from "./types";
import type { LoadedModel } from "./model-io";

/** What the classifier needs from a backbone (a Backbone, or an embed pool wrapped to look like one). */
export interface Embedder {
  id: string;
  /** Side of the square images it takes. */
  inputSize: number;
  /** Length of each embedding. */
  dim: number;
  /** Embeds in order; may report progress within the call and stop at an aborted signal. */
  embed(images: RgbImage[], onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<Float32Array[]>;
  dispose?(): void;
}

/** One label's probability. */
export interface RankedLabel {
  label: string;
  /** Softmax probability, 0..1. */
  probability: number;
}

export interface Prediction {
  /** The most probable label (ranked[0].label). */
  label: string;
  /**
   * Every label with its probability, most probable first (ties keep the model's label order).
   * An array, not an object keyed by label: keys that look like numbers ("3", "7") would come out
   * in numeric order, and a key "__proto__" would be lost.
   */
  ranked: RankedLabel[];
}

/** Throws a clear message when the backbone is not the one the model was trained on. */
export function assertCompatible(model: LoadedModel, backbone: Embedder): void {
  const m = model.metadata;
  if (m.backbone !== backbone.id) throw new Error(`This classifier was trained on backbone "${m.backbone}", not "${backbone.id}".`);
  if (m.embeddingDim !== backbone.dim) throw new Error(`This classifier takes ${m.embeddingDim}-d embeddings; backbone "${backbone.id}" makes ${backbone.dim}-d ones.`);
}

/** `labels[i]` with `probabilities[i]`, most probable first. */
export function rankedLabels(labels: readonly string[], probabilities: ArrayLike<number>): RankedLabel[] {
  if (probabilities.length !== labels.length) throw new Error(`${probabilities.length} probabilities for ${labels.length} labels`);
  const order = labels.map((_, i) => i).sort((a, b) => probabilities[b] - probabilities[a] || a - b);
  return order.map((i) => ({ label: labels[i], probability: probabilities[i] }));
}

export function toPrediction(labels: readonly string[], probabilities: ArrayLike<number>): Prediction {
  const ranked = rankedLabels(labels, probabilities);
  return { label: ranked[0].label, ranked };
}

/**
 * label → probability as a plain JSON object (the `probabilities` field of `predict --json`,
 * kept for compatibility). Own properties only, so "__proto__" and "constructor" are ordinary
 * keys; its key order is NOT the ranking (integer-like keys come first): use `ranked` for that.
 */
export function probabilitiesObject(ranked: readonly RankedLabel[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of ranked) Object.defineProperty(out, r.label, { value: r.probability, enumerable: true, writable: true, configurable: true });
  return out;
}

/**
 * Classifies images: `images` are `backbone.inputSize`² RGB (decoded and resized by the caller),
 * embedded by `backbone` ([dim] each), then the model's head gives softmax probabilities over
 * `model.metadata.labels`. One Prediction per image, in order: the top label and every label
 * ranked by probability (0..1, summing to 1). Throws when the backbone is not the model's (id or
 * dim, assertCompatible) and when the head's outputs are not finite probabilities (a damaged model).
 */
export async function predictImages(model: LoadedModel, backbone: Embedder, images: RgbImage[]): Promise<Prediction[]> {
  assertCompatible(model, backbone);
  if (images.length === 0) return [];
  const embeddings = await backbone.embed(images);
  const outputs = model.head.predict(embeddings);
  for (const p of outputs) {
    if (p.length !== model.metadata.labels.length || !Array.prototype.every.call(p, (v: number) => Number.isFinite(v))) {
      throw new Error(`The classifier in "${model.folder}" gave outputs that are not probabilities (NaN or infinity, or not one per label): the model or its backbone is damaged; train it again.`);
    }
  }
  return outputs.map((p) => toPrediction(model.metadata.labels, p));
}

/** predictImages for one image. */
export async function predictImage(model: LoadedModel, backbone: Embedder, rgb: RgbImage): Promise<Prediction> {
  return (await predictImages(model, backbone, [rgb]))[0];
}

/** A loaded model, its backbone and a decoder: bytes in, prediction out. */
export class Classifier {
  private disposed = false;

  constructor(
    readonly model: LoadedModel,
    private readonly backbone: Embedder,
    private readonly decoder: ImageDecoder,
    /** Dispose the backbone too when this classifier is disposed. */
    private readonly ownsBackbone = false,
  ) {
    assertCompatible(model, backbone);
  }

  get labels(): string[] {
    return this.model.metadata.labels;
  }

  /** Decodes and classifies one image; decoding errors (ImageReadError) propagate to the caller. */
  async predict(bytes: Uint8Array): Promise<Prediction> {
    if (this.disposed) throw new Error("This classifier was disposed.");
    const rgb = await this.decoder.decode(bytes, this.backbone.inputSize);
    return predictImage(this.model, this.backbone, rgb);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.model.head.dispose();
    if (this.ownsBackbone) this.backbone.dispose?.();
  }
}
