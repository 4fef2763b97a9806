// @vitest-environment happy-dom
// The in-app training service on a vault: the app runtime is replaced by a stand-in backbone and
// the sharp decoder; the vault store, the pipeline, the cache, the model files and the trash are
// the real ones. What every caller (panel, cleaner) gets: the folder's remembered settings,
// results.json beside the model, the last model remembered, older models moved to the trash.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { App } from "obsidian-test-mocks/obsidian";
import type { App as ObsidianApp, TAbstractFile } from "obsidian";
import { setupTf } from "../../../src/classifier/tf-setup";
import { createSharpDecoder } from "../../../src/node/decode-sharp";
import { normalizeClassifierData, PANEL_DEFAULTS, type ClassifierData } from "../../../src/classifier/panel-settings";
import { parseResults } from "../../../src/classifier/results-file";
import { TrainingService, type TrainingHost } from "../../../src/classifier/obsidian/training-service";
import { isAbortError } from "../../../src/shared/abort";
import { PluginDataStore } from "../../../src/shared/obsidian/data-store";
import { classifierHost, CLASSIFIER_KEY } from "../../../src/classifier/obsidian/feature";
import { COLORS, fakeBackbone, noisyImage } from "./train-helpers";

vi.mock("../../../src/classifier/browser/app-runtime", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../../src/classifier/browser/app-runtime")>();
  return {
    ...original,
    loadRuntime: vi.fn(() => Promise.resolve({ backbone: fakeBackbone(), backend: "cpu", decoder: createSharpDecoder() })),
  };
});

beforeAll(async () => {
  await setupTf({ backends: ["cpu"] });
});

async function vault(): Promise<{ app: ObsidianApp; host: TrainingHost & { data: ClassifierData }; trashed: string[] }> {
  const mock = App.createConfigured__({ files: { "colors/": "" } });
  for (const [li, label] of Object.keys(COLORS).entries()) {
    await mock.vault.createFolder(`colors/${label}`);
    for (let i = 0; i < 6; i++) {
      const bytes = await noisyImage(COLORS[label], 100 * li + i + 1);
      await mock.vault.createBinary(`colors/${label}/${label}-${i}.png`, new Uint8Array(bytes).buffer);
    }
  }
  const app = mock as unknown as ObsidianApp;
  const trashed: string[] = [];
  const trash = app.fileManager.trashFile.bind(app.fileManager);
  app.fileManager.trashFile = async (file: TAbstractFile) => {
    trashed.push(file.path);
    await trash(file);
  };
  const host = {
    data: normalizeClassifierData({ perFolder: { colors: { ...PANEL_DEFAULTS, epochs: 2 } } }),
    loadClassifierData: () => Promise.resolve(structuredClone(host.data)),
    updateClassifierData: (change: (d: ClassifierData) => ClassifierData) => {
      host.data = structuredClone(change(structuredClone(host.data)));
      return Promise.resolve();
    },
    pluginDir: () => `${app.vault.configDir}/plugins/lesson-lab`,
  };
  return { app, host, trashed };
}

const previousModels = (app: ObsidianApp): string[] =>
  app.vault
    .getAllFolders(false)
    .map((f) => f.path)
    .filter((p) => p.startsWith("colors.model.previous-"));

describe("the in-app training service", () => {
  it("trains with the folder's settings, writes results.json, remembers the last model and trashes older models", async () => {
    const { app, host, trashed } = await vault();
    const service = new TrainingService(app, host);
    const backends: string[] = [];
    const first = await service.train("colors", { onBackend: (b) => backends.push(b) });
    expect(first.error).toBeNull();
    expect(first.epochs).toHaveLength(2);
    expect(first.backend).toBe("cpu");
    expect(backends).toEqual(["cpu"]);
    expect(first.model?.folder).toBe("colors.model");
    expect(first.pruned).toBeNull();
    const results = parseResults(await service.store.readText("colors.model/results.json"), first.labels);
    expect(results?.labels).toEqual(["blue", "green", "red"]);
    expect(results?.errorRate).toBe(first.errorRate);
    expect(host.data.lastModel).toBe("colors.model");
    // The embeddings are cached where the panel and the cleaner both look.
    expect(await app.vault.adapter.exists(`${app.vault.configDir}/plugins/lesson-lab/cache`)).toBe(true);

    // Explicit settings win over the remembered ones; the model before is kept as the previous one.
    const second = await service.train("colors", { settings: { ...PANEL_DEFAULTS, epochs: 1 } });
    expect(second.epochs).toHaveLength(1);
    expect(second.embedded).toBe(0);
    expect(second.pruned?.trashed).toEqual([]);
    expect(previousModels(app)).toHaveLength(1);

    // A third save leaves two previous models: the older one goes to the trash.
    const [oldest] = previousModels(app);
    const third = await service.train("colors");
    expect(third.pruned?.trashed).toEqual([oldest]);
    expect(trashed).toEqual([oldest]);
    expect(previousModels(app)).toHaveLength(1);
    expect(await app.vault.adapter.exists("colors.model/results.json")).toBe(true);
  });

  it("returns the reason when the folder cannot be trained on, saving nothing", async () => {
    const { app, host } = await vault();
    const result = await new TrainingService(app, host).train("nowhere");
    expect(result.error).toContain("nowhere");
    expect(result.model).toBeNull();
    expect(host.data.lastModel).toBeNull();
  });

  it("a cancelled run rejects with an abort error and saves no model", async () => {
    const { app, host } = await vault();
    const controller = new AbortController();
    controller.abort();
    const error = await new TrainingService(app, host).train("colors", { signal: controller.signal }).catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
    expect(app.vault.getAbstractFileByPath("colors.model")).toBeNull();
    expect(host.data.lastModel).toBeNull();
  });

  describe("remembering the last model through the plugin's data store", () => {
    /** data.json in memory behind the real PluginDataStore; `onFirstLoad` runs once, inside the first read after training. */
    function dataFile(app: ObsidianApp, failSave = false) {
      let file: Record<string, unknown> = { cleaner: { kept: true } };
      let onFirstLoad: (() => void) | null = null;
      const store = new PluginDataStore({
        loadData: () => {
          const hook = onFirstLoad;
          onFirstLoad = null;
          hook?.();
          return Promise.resolve(structuredClone(file));
        },
        saveData: (d: unknown) => {
          if (failSave) return Promise.reject(new Error("disk full"));
          file = structuredClone(d as Record<string, unknown>);
          return Promise.resolve();
        },
      });
      const host = classifierHost({ app, manifest: { id: "lesson-lab", dir: `${app.vault.configDir}/plugins/lesson-lab` } as never, data: store });
      return { store, host, file: () => file, arm: (f: () => void) => (onFirstLoad = f) };
    }

    it("is one queued update: a write of the classifier key made meanwhile is kept", async () => {
      const { app } = await vault();
      const data = dataFile(app);
      const other = { ...PANEL_DEFAULTS, epochs: 7 };
      // Another write of the classifier key (the panel saving a folder's settings) starts while the service reads.
      data.arm(() => void data.store.update((d) => ({ ...d, [CLASSIFIER_KEY]: { ...normalizeClassifierData(d[CLASSIFIER_KEY]), perFolder: { other } } })));
      const result = await new TrainingService(app, data.host).train("colors", { settings: { ...PANEL_DEFAULTS, epochs: 1 } });
      await data.store.update((d) => d);
      expect(result.warnings).toEqual([]);
      const stored = normalizeClassifierData(data.file()[CLASSIFIER_KEY]);
      expect(stored.lastModel).toBe("colors.model");
      expect(stored.perFolder.other?.epochs).toBe(7);
      expect(data.file().cleaner).toEqual({ kept: true });
    });

    it("a failed write is a warning and the model is kept", async () => {
      const { app } = await vault();
      const data = dataFile(app, true);
      const result = await new TrainingService(app, data.host).train("colors", { settings: { ...PANEL_DEFAULTS, epochs: 1 } });
      expect(result.model?.folder).toBe("colors.model");
      expect(result.warnings).toEqual([expect.stringContaining("Could not remember colors.model as the last model: disk full")]);
      expect(await app.vault.adapter.exists("colors.model/metadata.json")).toBe(true);
    });
  });
});
