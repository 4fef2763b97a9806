// `lesson-lab predict FOLDER_OR_MODEL IMAGE... [--json]`: classifies images with a trained
// model. FOLDER_OR_MODEL is the dataset folder (its model is FOLDER.model/) or the model folder.
//
// Exit codes: 0 every image classified; 1 no usable model, or some image could not be read
// (the others are still classified and listed); 2 usage.
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { parseArgs, wantsJson } from "./args";
import { formatPercent } from "./table";
import { processIo, type CliIo } from "./io";
import { oneLine, terminalIo } from "./terminal";
import { probabilitiesObject, type RankedLabel } from "../classifier/predict";
import { errorText } from "../shared/errors";

export type { CliIo };

const USAGE = `usage: lesson-lab predict FOLDER_OR_MODEL IMAGE... [--json]

Classifies each IMAGE with the model trained on FOLDER (FOLDER.model/), or with the model
folder itself.
  --json   one JSON array of {image, label, ranked: [{label, probability}], probabilities: {label: p},
           error}; ranked is most probable first; probabilities (kept for compatibility) has
           the same numbers keyed by label, in no particular order
  -h, --help   this help
Exit code 1 when the model cannot be loaded or an image cannot be read (the rest are still listed).
`;

const SPEC = { json: "boolean", help: { type: "boolean", short: "h" } } as const;

export interface PredictRecord {
  image: string;
  label: string | null;
  /** Every label, most probable first. */
  ranked: RankedLabel[] | null;
  /** The same numbers keyed by label (compatibility; key order is not the ranking). */
  probabilities: Record<string, number> | null;
  error: string | null;
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/** The model folder meant by the argument: itself when it holds metadata.json, else `<arg>.model`. */
export async function resolveModelFolder(arg: string): Promise<string | null> {
  const absolute = path.resolve(arg.replace(/[\\/]+$/, ""));
  if (await isFile(path.join(absolute, "metadata.json"))) return absolute;
  if (await isFile(path.join(`${absolute}.model`, "metadata.json"))) return `${absolute}.model`;
  return null;
}

function readErrorText(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ENOENT") return "missing: no such file";
  if (code === "EISDIR") return "is a folder, not an image";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  return errorText(error);
}

export async function run(args: string[], rawIo: CliIo = processIo): Promise<number> {
  // Names from the dataset reach the terminal escaped (QA 1 #13); progress draws its own escapes.
  const parsed = parseArgs(args, SPEC);
  const json = wantsJson(args, parsed);
  const io = terminalIo(rawIo, json);
  const usageError = (message: string): number => {
    io.err(`lesson-lab predict: ${oneLine(message)}\n\n${USAGE}`);
    if (json) io.out(`${JSON.stringify({ error: message })}\n`);
    return 2;
  };
  if ("error" in parsed) return usageError(parsed.error);
  const { positional, flags } = parsed;
  if (flags.help) {
    io.out(USAGE);
    return 0;
  }
  if (positional.length < 2) return usageError("give a dataset or model folder and at least one image");
  const fail = (message: string): number => {
    io.err(`lesson-lab predict: ${oneLine(message)}\n`);
    if (json) io.out(`${JSON.stringify({ error: message })}\n`);
    return 1;
  };
  const modelFolder = await resolveModelFolder(positional[0]);
  if (!modelFolder) return fail(`no trained model at "${positional[0]}" (looked for metadata.json in it and in "${positional[0]}.model"); run \`lesson-lab train\` first`);

  const [{ createFsStore }, { createSharpDecoder }, { loadBackbone }, { loadModel }, { Classifier }, { ensureTf }] = await Promise.all([
    import("../node/fs-store"),
    import("../node/decode-sharp"),
    import("../classifier/backbone"),
    import("../classifier/model-io"),
    import("../classifier/predict"),
    import("../classifier/tf-lazy"),
  ]);
  const store = createFsStore(path.dirname(modelFolder));
  let classifier: InstanceType<typeof Classifier>;
  try {
    await ensureTf();
    const model = await loadModel(store, path.basename(modelFolder));
    let backbone;
    try {
      backbone = await loadBackbone(model.metadata.backbone, { store });
    } catch (error) {
      model.head.dispose();
      throw error;
    }
    classifier = new Classifier(model, backbone, createSharpDecoder(), true);
  } catch (error) {
    return fail(errorText(error));
  }

  const records: PredictRecord[] = [];
  try {
    for (const image of positional.slice(1)) {
      try {
        const prediction = await classifier.predict(new Uint8Array(await readFile(image)));
        records.push({ image, label: prediction.label, ranked: prediction.ranked, probabilities: probabilitiesObject(prediction.ranked), error: null });
      } catch (error) {
        records.push({ image, label: null, ranked: null, probabilities: null, error: readErrorText(error) });
      }
    }
  } finally {
    classifier.dispose();
  }

  if (json) {
    io.out(`${JSON.stringify(records)}\n`);
  } else {
    for (const r of records) {
      if (r.error !== null || !r.ranked) {
        io.out(`${oneLine(r.image)}: error: ${oneLine(String(r.error))}\n`);
        continue;
      }
      const [top, ...rest] = r.ranked;
      const others = rest
        .slice(0, 3)
        .map((x) => `${oneLine(x.label)} ${formatPercent(x.probability)}`)
        .join(", ");
      io.out(`${oneLine(r.image)}: ${oneLine(top.label)} (${formatPercent(top.probability)})${others ? `  [${others}]` : ""}\n`);
    }
  }
  return records.some((r) => r.error !== null) ? 1 : 0;
}
