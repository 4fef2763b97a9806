// Picks the embedding engine for headless (Node) use: onnxruntime when its package loads here and
// the backbone converts, else tfjs (wasm). The app does not use this module.

import { loadBackbone, type Backbone, type BackboneId, type LoadBackboneOptions } from "../../classifier/backbone";
// Static: the embed worker's tsx hook (CommonJS) cannot import() a relative .ts file. The
// onnxruntime package itself is imported inside loadOrtBackbone, on first use.
import { loadOrtBackbone } from "./ort-backbone";
import { errorText } from "../../shared/errors";

/** "auto": onnxruntime, falling back to tfjs; "onnxruntime" or "tfjs": that engine only. */
export type EmbedEngine = "auto" | "onnxruntime" | "tfjs";

export const EMBED_ENGINES: readonly EmbedEngine[] = ["auto", "onnxruntime", "tfjs"];

export interface NodeBackboneOptions extends LoadBackboneOptions {
  engine?: EmbedEngine;
  /** onnxruntime intra-op threads (default 1). tfjs's threads are set through `tf`. */
  threads?: number;
}

export interface NodeBackbone {
  backbone: Backbone;
  engine: "onnxruntime" | "tfjs";
  /** Why "auto" fell back to tfjs; null when it did not. */
  fallbackReason: string | null;
}

/**
 * Loads backbone `id` on the chosen engine (default "auto"; the LESSON_LAB_ENGINE environment
 * variable overrides the default, e.g. LESSON_LAB_ENGINE=tfjs). With "onnxruntime" an engine error
 * is thrown; with "auto" it is reported in `fallbackReason` and tfjs loads instead.
 */
export async function loadNodeBackbone(id: BackboneId, opts: NodeBackboneOptions = {}): Promise<NodeBackbone> {
  const engine = opts.engine ?? engineFromEnv() ?? "auto";
  if (engine === "tfjs") return { backbone: await loadBackbone(id, opts), engine: "tfjs", fallbackReason: null };
  try {
    return { backbone: await loadOrtBackbone(id, opts), engine: "onnxruntime", fallbackReason: null };
  } catch (err) {
    if (engine === "onnxruntime") throw err;
    return { backbone: await loadBackbone(id, opts), engine: "tfjs", fallbackReason: errorText(err) };
  }
}

/** Why the LESSON_LAB_ENGINE value `value` is not usable; null when it is (unset, empty, or one of EMBED_ENGINES in any case). */
export function engineSettingProblem(value: string | undefined): string | null {
  const v = value?.trim().toLowerCase();
  if (!v || (EMBED_ENGINES as readonly string[]).includes(v)) return null;
  return `LESSON_LAB_ENGINE="${value}": use one of ${EMBED_ENGINES.join(", ")}`;
}

function engineFromEnv(): EmbedEngine | null {
  const problem = engineSettingProblem(process.env.LESSON_LAB_ENGINE);
  if (problem !== null) throw new Error(problem);
  const v = process.env.LESSON_LAB_ENGINE?.trim().toLowerCase();
  return v ? (v as EmbedEngine) : null;
}
