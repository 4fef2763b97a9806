// @vitest-environment happy-dom
// The classifier reaches the web-app export (production room) only through the port src/plugin.ts
// passes in: the model folder's "Export as web app" opens the port's dialog; with no port the
// item is not offered.
import { describe, expect, it } from "vitest";
import { App } from "obsidian-test-mocks/obsidian";
import { Menu, Plugin } from "obsidian";
import { ClassifierFeature, type ClassifierDataStore } from "../../../src/classifier/obsidian/feature";
import type { WebAppExport } from "../../../src/classifier/obsidian/web-app-export-port";

const data: ClassifierDataStore = { get: async () => undefined, set: async () => undefined, update: async () => undefined };
const manifest = { id: "lesson-lab", name: "Lesson Lab", version: "0.1.0", minAppVersion: "1.7.2", description: "", author: "" };

type Item = { title__: string; onClick__: ((evt: MouseEvent) => unknown) | null };

function menuFor(webAppExport?: () => Promise<WebAppExport>): { items: Item[] } {
  const app = App.createConfigured__({ files: { "Pets.model/metadata.json": "{}", "Pets/cat/1.png": "" } });
  const plugin = new (Plugin as unknown as new (app: unknown, m: typeof manifest) => Plugin)(app.asOriginalType__(), manifest);
  new ClassifierFeature(plugin, data, { webAppExport }).register();
  const menu = new Menu();
  app.workspace.trigger("file-menu", menu, app.vault.getAbstractFileByPath("Pets.model"), "file-explorer");
  return { items: (menu as unknown as { menuItems__: Item[] }).menuItems__ };
}

describe("the web-app export port", () => {
  it("the model folder's menu item opens the port's dialog on that folder", async () => {
    const opened: string[] = [];
    const port: WebAppExport = {
      renderExportControls: () => undefined,
      ExportWebAppModal: class {
        constructor(
          _app: unknown,
          _host: unknown,
          private readonly folder: string,
        ) {}
        open(): void {
          opened.push(this.folder);
        }
      },
    };
    const item = menuFor(() => Promise.resolve(port)).items.find((i) => i.title__ === "Export as web app");
    expect(item).toBeDefined();
    item?.onClick__?.(new MouseEvent("click"));
    await new Promise((r) => window.setTimeout(r, 0));
    expect(opened).toEqual(["Pets.model"]);
  });

  it("without the port there is no export item", () => {
    expect(menuFor().items.map((i) => i.title__)).not.toContain("Export as web app");
  });
});
