// The Keras models that ship inside the npm package nsfwjs, loaded from its bundled
// modules (model JSON object + base64 weight strings). The imports are dynamic and by
// literal path. In the built plugin, esbuild.config.mjs replaces MobileNetV2's module with one
// whose weights are the raw bytes of the engine file engine-mobilenet_v2.bin (weightBuffers),
// read from the plugin's folder on first use (src/engine/assets.ts).

import type { io } from "@tensorflow/tfjs";
import { artifactsFromParts, base64ToArrayBuffer, checkModelJson } from "./artifacts";

export type NsfwjsModel = "mobilenet_v2" | "inception_v3";

interface Definition {
  numOfWeightBundles: number;
  modelJson: () => Promise<{ default: unknown }>;
  weightBundles: Array<() => Promise<{ default: string }>>;
  /** Raw weight shards; preferred over the base64 weightBundles when present (the built plugin). */
  weightBuffers?: Array<() => Promise<ArrayBuffer>>;
}

/** InceptionV3's weights are 30 MB of base64: kept out of main.js, so only Node (CLI, bench) has it. */
const NOT_BUNDLED = "nsfwjs/models/inception_v3";

async function definition(which: NsfwjsModel): Promise<Definition> {
  if (which === "mobilenet_v2") return (await import("nsfwjs/models/mobilenet_v2")).MobileNetV2Model;
  if (typeof window !== "undefined" && typeof document !== "undefined") {
    throw new Error('Backbone "inception_v3-nsfwjs" is not bundled into the plugin (30 MB); use it from the command line');
  }
  // A non-literal specifier: esbuild leaves this import to run time instead of inlining it.
  // eslint-disable-next-line no-unsanitized/method -- the specifier is a module constant, not input
  const mod = (await import(/* @vite-ignore */ NOT_BUNDLED)) as { InceptionV3Model: Definition };
  return mod.InceptionV3Model;
}

/** ModelArtifacts of one of nsfwjs's bundled models (the full classifier; callers truncate). */
export async function nsfwjsArtifacts(which: NsfwjsModel): Promise<io.ModelArtifacts> {
  const def = await definition(which);
  const json = checkModelJson((await def.modelJson()).default, `nsfwjs/${which}`);
  const shards: ArrayBuffer[] = [];
  for (let i = 0; i < def.numOfWeightBundles; i++) {
    const buffer = def.weightBuffers?.[i];
    if (buffer) {
      shards.push(await buffer());
      continue;
    }
    const bundle = def.weightBundles[i];
    if (!bundle) throw new Error(`nsfwjs/${which}: weight bundle ${i + 1} is missing`);
    shards.push(base64ToArrayBuffer((await bundle()).default));
  }
  return artifactsFromParts(json, shards, `nsfwjs/${which}`);
}
