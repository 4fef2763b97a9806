// @vitest-environment happy-dom
// data.json is shared by the features (settings, positions, classifier, cleaner). Each writes
// its own key through the plugin's serialized update, so simultaneous writers never lose
// each other's data.
import { describe, expect, it } from "vitest";
import { makePlugin } from "./timestamps/obsidian/helpers";

describe("plugin data", () => {
  it("keeps every feature's key when features write at the same time", async () => {
    const h = await makePlugin(undefined, { classifier: { perFolder: {} }, unknownFutureKey: 1 });
    const plugin = h.plugin;
    // Slow storage makes the read-change-write windows overlap, as a real disk can.
    const inner = plugin.loadData.bind(plugin);
    plugin.loadData = async () => {
      const data: unknown = await inner();
      await new Promise((r) => window.setTimeout(r, 5));
      return data;
    };
    plugin.timestamps.settings.seekStepSeconds = 30;
    await Promise.all([
      plugin.timestamps.saveSettings(),
      plugin.updatePluginData((d) => ({ ...d, classifier: { perFolder: { bears: { epochs: 3 } } } })),
      plugin.updatePluginData((d) => ({ ...d, cleaner: { books: { bears: { entries: [] } } } })),
      plugin.timestamps.saveSettings(),
    ]);
    const data = (await inner()) as Record<string, unknown>;
    expect(data.classifier).toEqual({ perFolder: { bears: { epochs: 3 } } });
    expect(data.cleaner).toEqual({ books: { bears: { entries: [] } } });
    expect((data.settings as { seekStepSeconds: number }).seekStepSeconds).toBe(30);
    expect(data.unknownFutureKey).toBe(1);
  });

  it("goes on after a failed write", async () => {
    const h = await makePlugin();
    const plugin = h.plugin;
    await expect(plugin.updatePluginData(() => {
      throw new Error("disk full");
    })).rejects.toThrow("disk full");
    await plugin.updatePluginData((d) => ({ ...d, after: true }));
    expect(((await plugin.loadData()) as Record<string, unknown>).after).toBe(true);
  });
});
