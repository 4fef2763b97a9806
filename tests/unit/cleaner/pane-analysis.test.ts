// @vitest-environment happy-dom
// The pane's training glue on a vault: the classifier's app runtime is replaced by a stand-in
// backbone and the sharp decoder; the vault store, the pipeline, the embedding cache and
// findIssues are the real ones. Retraining after an apply embeds nothing again.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { App } from "obsidian-test-mocks/obsidian";
import type { App as ObsidianApp, Plugin } from "obsidian";
import { setupTf } from "../../../src/classifier/tf-setup";
import { createSharpDecoder } from "../../../src/node/decode-sharp";
import { analyseForCleaner, retrainForCleaner, type DataHost } from "../../../src/cleaner/obsidian/analysis";
import { cacheName } from "../../../src/classifier/panel-settings";
import { COLORS, fakeBackbone, noisyImage } from "../classifier/train-helpers";

vi.mock("../../../src/classifier/browser/app-runtime", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../../src/classifier/browser/app-runtime")>();
  return {
    ...original,
    loadRuntime: vi.fn(() => Promise.resolve({ backbone: fakeBackbone(), backend: "cpu", decoder: createSharpDecoder() })),
    currentBackend: vi.fn(() => Promise.resolve("cpu")),
  };
});

beforeAll(async () => {
  await setupTf({ backends: ["cpu"] });
});

async function vaultPlugin(): Promise<{ app: App; plugin: Plugin & DataHost }> {
  const app = App.createConfigured__({ files: { "colors/": "" } });
  for (const [li, label] of Object.keys(COLORS).entries()) {
    await app.vault.createFolder(`colors/${label}`);
    for (let i = 0; i < 10; i++) {
      const bytes = await noisyImage(COLORS[label], 100 * li + i + 1);
      await app.vault.createBinary(`colors/${label}/${label}-${i}.png`, new Uint8Array(bytes).buffer);
    }
  }
  let data: unknown = {};
  const plugin = {
    app: app as unknown as ObsidianApp,
    manifest: { id: "lesson-lab", dir: ".obsidian/plugins/lesson-lab" },
    loadData: () => Promise.resolve(data),
    updatePluginData: (change: (d: Record<string, unknown>) => Record<string, unknown>) => {
      data = change({ ...(data as Record<string, unknown>) });
      return Promise.resolve();
    },
  } as unknown as Plugin & DataHost;
  return { app, plugin };
}

describe("the pane's training glue", () => {
  it("trains with progress, finds the suspects, and retrains from the cache after a move", async () => {
    const { app, plugin } = await vaultPlugin();
    const progress: string[] = [];
    const report = await analyseForCleaner(plugin, "colors", (t) => progress.push(t), new AbortController().signal);
    expect(report.folder).toBe("colors");
    expect(report.labels).toEqual(["blue", "green", "red"]);
    expect(report.items).toHaveLength(30);
    expect(report.errorRate).not.toBeNull();
    expect(progress[0]).toBe("Loading the backbone");
    expect(progress.some((p) => p.startsWith("Embedding: "))).toBe(true);
    expect(progress.some((p) => p.startsWith("Scoring every image with heads that never saw it"))).toBe(true);
    // The cache lies where the classifier panel keeps it.
    const cache = `.obsidian/plugins/lesson-lab/cache/${cacheName("colors")}`;
    expect(await app.vault.adapter.exists(cache)).toBe(true);

    // An applied relabel moves a file; retraining reads it again but embeds nothing.
    await app.fileManager.renameFile(app.vault.getFileByPath("colors/red/red-0.png")!, "colors/green/red-0.png");
    const again = await retrainForCleaner(plugin, "colors", () => undefined, new AbortController().signal);
    expect(again.embedded).toBe(0);
    expect(again.cached).toBeGreaterThan(0);
    expect(again.errorRate).not.toBeNull();
  });

  it("says why when the folder cannot be trained on", async () => {
    const { plugin } = await vaultPlugin();
    await expect(analyseForCleaner(plugin, "nowhere", () => undefined, new AbortController().signal)).rejects.toThrow('Could not train on "nowhere"');
  });

  it("names caches as the classifier panel does", () => {
    expect(cacheName("Datasets/Bears")).toMatch(/^Datasets_Bears-[0-9a-z]+$/);
    expect(cacheName("a")).not.toBe(cacheName("b"));
  });
});
