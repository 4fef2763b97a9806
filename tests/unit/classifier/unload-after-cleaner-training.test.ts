// @vitest-environment happy-dom
// Training that runs only through the cleaner (its Trainer port) marks the classifier used, so
// the plugin's unload frees tfjs memory (the runtimes and the classify models).
import { describe, expect, it, vi } from "vitest";
import { makePlugin } from "../timestamps/obsidian/helpers";

const freed = vi.hoisted(() => ({ runtimes: 0, models: 0 }));
vi.mock("../../../src/classifier/browser/app-runtime", async (importOriginal) => ({
  ...(await importOriginal<Record<string, unknown>>()),
  loadRuntime: () => Promise.reject(new Error("no runtime in this test")),
  disposeRuntimes: () => void freed.runtimes++,
}));
vi.mock("../../../src/classifier/obsidian/classify", async (importOriginal) => ({
  ...(await importOriginal<Record<string, unknown>>()),
  disposeModels: () => void freed.models++,
}));

/** Obsidian's unload of a loaded plugin (makePlugin runs onload only, so the stand-in does not know it is loaded). */
function unload(plugin: { unload(): void }): void {
  (plugin as unknown as { loaded__: boolean }).loaded__ = true;
  plugin.unload();
}

describe("unload after training through the cleaner only", () => {
  it("frees the runtimes and models", async () => {
    const h = await makePlugin({ "ds/cat/a.png": "", "ds/dog/b.png": "" });
    await expect(h.plugin.cleaner.trainer?.train("ds", {})).rejects.toThrow("no runtime in this test");
    unload(h.plugin);
    await vi.waitFor(() => expect(freed).toEqual({ runtimes: 1, models: 1 }));
  });

  it("frees nothing (and loads nothing) when the classifier was never used", async () => {
    const h = await makePlugin({ "ds/cat/a.png": "" });
    freed.runtimes = 0;
    freed.models = 0;
    unload(h.plugin);
    await new Promise((r) => window.setTimeout(r, 50));
    expect(freed).toEqual({ runtimes: 0, models: 0 });
  });
});
