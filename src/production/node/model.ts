// The CLI's way to a trained model for export and serve: the folder argument resolved as
// `predict` resolves it, the bundle read through an fs FileStore rooted at the model's parent
// (where `vault:` backbones are looked up, as `predict` does), and a Classifier on sharp + wasm.
import * as path from "node:path";
import { resolveModelFolder } from "../../cli/predict";
import { ExportError, readModelBundle, type ModelBundle } from "../bundle";
import type { Classifier } from "../../classifier/predict";

/** The model folder meant by `arg` (itself, or `<arg>.model`), or an ExportError saying what is missing. */
export async function modelFolderOf(arg: string): Promise<string> {
  const folder = await resolveModelFolder(arg);
  if (!folder) {
    throw new ExportError(`no trained model at "${arg}" (looked for metadata.json in it and in "${arg.replace(/[\\/]+$/, "")}.model"); run \`lesson-lab train\` on the dataset first`);
  }
  return folder;
}

export async function readBundleFromDisk(modelFolder: string, title?: string): Promise<ModelBundle> {
  const { createFsStore } = await import("../../node/fs-store");
  return readModelBundle(createFsStore(path.dirname(modelFolder)), path.basename(modelFolder), { title });
}

/** The model as `predict` runs it: fs store, sharp decoder, the backbone on tfjs's wasm backend. */
export async function loadClassifierFromDisk(modelFolder: string): Promise<Classifier> {
  const [{ createFsStore }, { createSharpDecoder }, { loadBackbone }, { loadModel }, { Classifier }, { ensureTf }] = await Promise.all([
    import("../../node/fs-store"),
    import("../../node/decode-sharp"),
    import("../../classifier/backbone"),
    import("../../classifier/model-io"),
    import("../../classifier/predict"),
    import("../../classifier/tf-lazy"),
  ]);
  const store = createFsStore(path.dirname(modelFolder));
  await ensureTf();
  const model = await loadModel(store, path.basename(modelFolder));
  try {
    const backbone = await loadBackbone(model.metadata.backbone, { store });
    return new Classifier(model, backbone, createSharpDecoder(), true);
  } catch (error) {
    model.head.dispose();
    throw error;
  }
}
