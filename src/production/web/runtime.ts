// The exported web app's engine, in the visitor's browser: loads a ModelBundle (embedded weights,
// nothing fetched), and classifies a Blob, an <img>, an ImageBitmap, a canvas or a URL. The same
// code path as `lesson-lab predict`: the backbone built by classifier/backbone.ts on tfjs's wasm
// backend (the binary is inlined in this bundle), the head read by tfjs from the same model.json,
// and the image squished by classifier/resize.ts from the decoded full-size pixels, so that the
// numbers agree with the CLI's to 1e-4.
import type { LayersModel } from "@tensorflow/tfjs";
import { backboneFromArtifacts, type Backbone } from "../../classifier/backbone";
import { Head } from "../../classifier/head";
import { toPrediction, type RankedLabel } from "../../classifier/predict";
import { resizeRgb } from "../../classifier/resize";
import { DEFAULT_MAX_PIXELS, checkPixelLimit, readImageSize, requireDecodable } from "../../classifier/sniff";
import { setupTf, type TfBackendName } from "../../classifier/tf-setup";
import { ImageReadError, type RgbImage } from "../../classifier/types";
import type { ModelBundle, SerializedModel } from "../bundle";
import type { ModelCard } from "../card";
import { errorText } from "../../shared/errors";

/** What classify() answers: the most probable label, and every label most probable first. */
export interface WebPrediction {
  label: string;
  ranked: RankedLabel[];
}

/** Anything classify() takes. */
export type ImageInput = Blob | HTMLImageElement | ImageBitmap | HTMLCanvasElement | string | URL;

export interface WebClassifier {
  card: ModelCard;
  labels: string[];
  /** The tfjs backend in use ("wasm", or "cpu" where wasm cannot start). */
  backend: string;
  /** Classifies one image; rejects with an Error whose message says why the image cannot be used. */
  classify(image: ImageInput): Promise<WebPrediction>;
}

function fromBase64(b64: string): ArrayBuffer {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out.buffer;
}

function artifactsOf(m: SerializedModel): { modelTopology: object; weightSpecs: SerializedModel["weightSpecs"]; weightData: ArrayBuffer; format?: string; generatedBy?: string } {
  return { modelTopology: m.modelTopology, weightSpecs: m.weightSpecs, weightData: fromBase64(m.weights), format: m.format, generatedBy: m.generatedBy };
}

function context(width: number, height: number): CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D {
  if (typeof OffscreenCanvas !== "undefined") {
    const ctx = new OffscreenCanvas(width, height).getContext("2d", { willReadFrequently: true });
    if (ctx) return ctx;
  }
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  if (!ctx) throw new Error("This browser gives no 2D canvas to read images with.");
  return ctx;
}

/** Full-size RGB of a drawable, composited on white (as the CLI's decoder flattens alpha). */
function pixelsOf(source: CanvasImageSource, width: number, height: number, maxPixels: number): { data: Uint8Array; width: number; height: number } {
  if (!(width > 0 && height > 0)) throw new ImageReadError("truncated or corrupt", "the image has no pixels (not loaded yet?)");
  checkPixelLimit({ width, height }, maxPixels);
  const ctx = context(width, height);
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(source, 0, 0, width, height);
  let rgba: Uint8ClampedArray;
  try {
    rgba = ctx.getImageData(0, 0, width, height).data;
  } catch (error) {
    // A cross-origin image (or, on file://, any image loaded by URL) taints the canvas.
    throw new ImageReadError("truncated or corrupt", `the browser does not let the page read this image's pixels (${errorText(error)}); give it as a file or Blob`);
  }
  const n = width * height;
  const rgb = new Uint8Array(n * 3);
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    rgb[i * 3] = rgba[j];
    rgb[i * 3 + 1] = rgba[j + 1];
    rgb[i * 3 + 2] = rgba[j + 2];
  }
  return { data: rgb, width, height };
}

async function blobPixels(blob: Blob, maxPixels: number): Promise<{ data: Uint8Array; width: number; height: number }> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const format = requireDecodable(bytes);
  checkPixelLimit(readImageSize(bytes, format), maxPixels);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes]), { imageOrientation: "from-image", premultiplyAlpha: "none" });
  } catch (error) {
    throw new ImageReadError("truncated or corrupt", error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  }
  try {
    return pixelsOf(bitmap, bitmap.width, bitmap.height, maxPixels);
  } finally {
    bitmap.close();
  }
}

async function fullPixels(image: ImageInput, maxPixels: number): Promise<{ data: Uint8Array; width: number; height: number }> {
  if (typeof image === "string" || image instanceof URL) {
    const response = await fetch(image.toString());
    if (!response.ok) throw new ImageReadError("missing", `${image.toString()} answered ${response.status}`);
    return blobPixels(await response.blob(), maxPixels);
  }
  if (image instanceof Blob) return blobPixels(image, maxPixels);
  if (typeof HTMLImageElement !== "undefined" && image instanceof HTMLImageElement) {
    if (!image.complete) await image.decode();
    return pixelsOf(image, image.naturalWidth, image.naturalHeight, maxPixels);
  }
  if (typeof ImageBitmap !== "undefined" && image instanceof ImageBitmap) return pixelsOf(image, image.width, image.height, maxPixels);
  if (typeof HTMLCanvasElement !== "undefined" && image instanceof HTMLCanvasElement) return pixelsOf(image, image.width, image.height, maxPixels);
  throw new TypeError("classify() takes a Blob or File, an <img>, an ImageBitmap, a <canvas> or a URL");
}

/** Decodes and squishes `image` to size x size RGB, as the CLI's decoder does. */
export async function imageToRgb(image: ImageInput, size: number, maxPixels = DEFAULT_MAX_PIXELS): Promise<RgbImage> {
  const full = await fullPixels(image, maxPixels);
  return { width: size, height: size, data: resizeRgb(full.data, full.width, full.height, size, size) };
}

/** Builds the classifier of a bundle: tfjs on wasm (cpu where wasm cannot start), backbone and head. */
export async function loadBundle(bundle: ModelBundle, options: { backends?: TfBackendName[] } = {}): Promise<WebClassifier> {
  if (bundle?.format !== "lesson-lab-web-model") throw new Error("This is not a Lesson Lab web model (model.js did not load?)");
  const { tf, backend } = await setupTf({ backends: options.backends ?? ["wasm", "cpu"] });
  const backbone: Backbone = await backboneFromArtifacts(bundle.backbone.id, artifactsOf(bundle.backbone), { tf: { backends: [backend] } });
  const a = artifactsOf(bundle.head);
  const layers: LayersModel = await tf.loadLayersModel({ load: () => Promise.resolve(a as never) });
  const head = Head.fromModel(layers, bundle.metadata.head);
  const labels = bundle.metadata.labels;
  let queue: Promise<unknown> = Promise.resolve();
  return {
    card: bundle.card,
    labels,
    backend,
    classify(image: ImageInput): Promise<WebPrediction> {
      const run = async (): Promise<WebPrediction> => {
        const rgb = await imageToRgb(image, backbone.inputSize);
        const [embedding] = await backbone.embed([rgb]);
        const [p] = head.predict([embedding]);
        for (let i = 0; i < p.length; i++) if (!Number.isFinite(p[i])) throw new Error("The model gave a non-finite probability: its weights are broken.");
        return toPrediction(labels, p);
      };
      const next = queue.then(run, run);
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
