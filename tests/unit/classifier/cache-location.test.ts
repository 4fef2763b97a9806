// @vitest-environment happy-dom
// One embedding cache for the CLI and the app: for a dataset in a vault both compute
// `<vault>/.obsidian/plugins/lesson-lab/cache/<cacheName(folder)>/`, and a cache the CLI filled
// is what an app-side train reads: it embeds nothing again. The CLI side is trainOnDisk on a real
// directory; the app side is the app's training service (classifier/obsidian/training-service.ts) on the stand-in vault holding the same
// files; both embed with the same small vault backbone (a LayersModel saved in the vault).
import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { App } from "obsidian-test-mocks/obsidian";
import type { App as ObsidianApp } from "obsidian";
import { setupTf, type Tf } from "../../../src/classifier/tf-setup";
import { cacheFolderFor, cacheName } from "../../../src/classifier/cache";
import { loadBackbone } from "../../../src/classifier/backbone";
import type { FileStore } from "../../../src/classifier/types";
import { createFsStore } from "../../../src/node/fs-store";
import { createSharpDecoder } from "../../../src/node/decode-sharp";
import { cacheFolderOnDisk, locateDataset, VAULT_PLUGIN_DIR } from "../../../src/node/dataset-location";
import { trainOnDisk } from "../../../src/node/train-on-disk";
import { TrainingService } from "../../../src/classifier/obsidian/training-service";
import type { ClassifierData } from "../../../src/classifier/panel-settings";
import { COLORS, noisyImage } from "./train-helpers";
import { tinyModel, writeModelFolder } from "../support/classifier-backbone-fixtures";

const BACKBONE = "vault:models/tiny#gap";

// Both sides on tfjs's cpu backend: under happy-dom, setupTf would first try the browser's.
vi.mock("../../../src/classifier/tf-setup", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../../src/classifier/tf-setup")>();
  return { ...original, setupTf: (o: Parameters<typeof original.setupTf>[0] = {}) => original.setupTf({ ...o, backends: ["cpu"] }) };
});

vi.mock("../../../src/classifier/browser/app-runtime", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../../src/classifier/browser/app-runtime")>();
  return {
    ...original,
    // The app's runtime, minus the browser: the vault backbone read through the app's store.
    loadRuntime: vi.fn(async (o: { store: FileStore }) => ({
      backbone: await loadBackbone(BACKBONE, { store: o.store }),
      backend: "cpu",
      decoder: createSharpDecoder(),
    })),
    currentBackend: vi.fn(() => Promise.resolve("cpu")),
  };
});

let tf: Tf;
let vault: string;
beforeAll(async () => {
  ({ tf } = await setupTf());
  vault = await mkdtemp(path.join(tmpdir(), "lesson-lab-vault-"));
  await mkdir(path.join(vault, ".obsidian"));
  const store = createFsStore(vault);
  await writeModelFolder(tf, store, "models/tiny", tinyModel(tf, 16, 3));
  for (const [li, label] of Object.keys(COLORS).entries()) {
    for (let i = 0; i < 8; i++) await store.writeBinary(`Datasets/Colors/${label}/${label}-${i}.png`, await noisyImage(COLORS[label], 100 * li + i + 1));
  }
});
afterAll(async () => {
  await rm(vault, { recursive: true, force: true });
});

/** Every file under the vault directory, as a vault path. */
async function filesOf(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"));
}

describe("the embedding cache's one location", () => {
  it("the CLI and the app compute the same folder for the same dataset", async () => {
    const location = await locateDataset(path.join(vault, "Datasets", "Colors"));
    expect(location).toMatchObject({ root: vault, folder: "Datasets/Colors", inVault: true });
    // The app's plugin folder for a vault whose config folder is .obsidian (manifest.dir).
    const app = cacheFolderFor(".obsidian/plugins/lesson-lab", "Datasets/Colors");
    expect(cacheFolderOnDisk(location)).toBe(app);
    expect(app).toBe(`${VAULT_PLUGIN_DIR}/cache/${cacheName("Datasets/Colors")}`);
    expect(cacheFolderFor(".obsidian/plugins/lesson-lab/", "/Datasets/Colors/")).toBe(app);
    // Another dataset, another folder; outside a vault, beside the folder.
    expect(cacheFolderFor(VAULT_PLUGIN_DIR, "Datasets/Color")).not.toBe(app);
    expect(cacheFolderOnDisk({ root: "/tmp", folder: "Colors", inVault: false })).toBe(".lesson-lab-cache");
  });

  it("a cache the CLI filled is read by an app-side train, which embeds nothing again", async () => {
    const location = await locateDataset(path.join(vault, "Datasets", "Colors"));
    const cli = await trainOnDisk(location, {
      backboneId: BACKBONE,
      options: { epochs: 1, save: false },
      onProgress: () => undefined,
      signal: new AbortController().signal,
    });
    expect(cli.error).toBeNull();
    expect(cli.cached).toBe(0);
    expect(cli.embedded).toBeGreaterThan(24);
    const cacheFiles = (await filesOf(vault)).filter((f) => f.startsWith(`${cacheFolderOnDisk(location)}/`));
    expect(cacheFiles).toHaveLength(1);

    // The same vault in the app: every file, the CLI's cache included.
    const app = App.createConfigured__({ files: {} });
    for (const file of await filesOf(vault)) {
      const bytes = new Uint8Array(await readFile(path.join(vault, file)));
      const dir = file.slice(0, file.lastIndexOf("/"));
      if (!(await app.vault.adapter.exists(dir))) await app.vault.adapter.mkdir(dir);
      if (file.startsWith(".obsidian/")) await app.vault.adapter.writeBinary(file, bytes.buffer);
      else {
        for (let i = dir.indexOf("/"); ; i = dir.indexOf("/", i + 1)) {
          const folder = i < 0 ? dir : dir.slice(0, i);
          if (!app.vault.getFolderByPath(folder)) await app.vault.createFolder(folder);
          if (i < 0) break;
        }
        if (file.endsWith(".json")) await app.vault.create(file, new TextDecoder().decode(bytes));
        else await app.vault.createBinary(file, bytes.buffer);
      }
    }
    let data: ClassifierData = { perFolder: {}, lastModel: null };
    const service = new TrainingService(app as unknown as ObsidianApp, {
      // manifest.dir of the plugin in a vault whose config folder is .obsidian.
      pluginDir: () => ".obsidian/plugins/lesson-lab",
      loadClassifierData: () => Promise.resolve(data),
      updateClassifierData: (change: (d: ClassifierData) => ClassifierData) => {
        data = change(data);
        return Promise.resolve();
      },
    });
    const inApp = await service.train("Datasets/Colors");
    expect(inApp.embedded).toBe(0);
    expect(inApp.cached).toBe(cli.embedded);
    expect(inApp.error).toBeNull();
    expect(inApp.trainCount + inApp.validCount).toBe(24);
    expect(inApp.model?.folder).toBe("Datasets/Colors.model");
  }, 120_000);
});
