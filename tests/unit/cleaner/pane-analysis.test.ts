// @vitest-environment happy-dom
// The pane's training glue on a vault: the cleaner's session with the classifier's training
// service as its Trainer port and the real suspect finder. The classifier's app runtime is
// replaced by a stand-in backbone and the sharp decoder; the vault store, the pipeline, the
// embedding cache and findIssues are the real ones. Retraining after an apply embeds nothing again.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { App } from "obsidian-test-mocks/obsidian";
import type { App as ObsidianApp, Plugin } from "obsidian";
import { setupTf } from "../../../src/classifier/tf-setup";
import { createSharpDecoder } from "../../../src/node/decode-sharp";
import { classifierHost } from "../../../src/classifier/obsidian/feature";
import { TrainingService } from "../../../src/classifier/obsidian/training-service";
import { cleanerPorts } from "../../../src/cleaner/obsidian/cleaner-ports";
import type { Trainer } from "../../../src/cleaner/ports";
import type { ReviewReport } from "../../../src/cleaner/review-items";
import { CleanerSession } from "../../../src/cleaner/session";
import { MemoryDecisionStore } from "./session-support";
import { cacheName } from "../../../src/classifier/cache";
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

/** The plugin's data as the stand-in keeps it (Plugin.loadData and the serialized update). */
interface DataHost {
  loadData(): Promise<unknown>;
  updatePluginData(change: (data: Record<string, unknown>) => Record<string, unknown>): Promise<void>;
}

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

/** The plugin's data as the classifier reads it: one key at a time. */
function dataStoreOf(plugin: DataHost) {
  return {
    get: async (key: string) => ((await plugin.loadData()) as Record<string, unknown>)[key],
    set: (key: string, value: unknown) => plugin.updatePluginData((d) => ({ ...d, [key]: value })),
    update: (change: (d: Record<string, unknown>) => Record<string, unknown>) => plugin.updatePluginData(change),
  };
}

/** The cleaner's session on the plugin's vault, training through the classifier's training service. */
function sessionOf(plugin: Plugin & DataHost): CleanerSession {
  const trainer: Trainer = { train: (folder, request) => new TrainingService(plugin.app, classifierHost({ app: plugin.app, manifest: plugin.manifest, data: dataStoreOf(plugin) })).train(folder, request) };
  return new CleanerSession(
    cleanerPorts(plugin.app, { decisions: new MemoryDecisionStore(), reports: new Map(), trainer, thumbnails: () => Promise.reject(new Error("no thumbnails here")) }),
  );
}

/** Trains and finds the suspects, as "Find suspects" does. */
async function analyseForCleaner(plugin: Plugin & DataHost, folder: string, progress: (text: string) => void, signal: AbortSignal): Promise<ReviewReport> {
  const session = sessionOf(plugin);
  await session.show(folder);
  await session.analyse(progress, signal);
  return session.report!;
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
    const session = sessionOf(plugin);
    await session.show("colors", report);
    const again = await session.retrain(() => undefined, new AbortController().signal);
    const [, after, embedded, cached] = /after: (.+) \((\d+) views embedded, (\d+) from the cache\)\.$/.exec(again?.status ?? "") ?? [];
    expect(Number(embedded)).toBe(0);
    expect(Number(cached)).toBeGreaterThan(0);
    expect(after).not.toBe("unknown");
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
