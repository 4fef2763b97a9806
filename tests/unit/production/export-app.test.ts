// @vitest-environment happy-dom
// "Export as web app" in the app, on the stand-in: the classifier panel shows a saved model with
// an Export section; Export writes the web app into "<dataset> web app/" through the Vault API (the
// files are in the vault's index) and the panel says where; a second export into that folder is
// refused unless "Replace an earlier export" is on, which then replaces only the export's own
// files. The model folder's file menu offers the same as a modal.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Menu, TFile, TFolder } from "obsidian";
import { setupTf, type Tf } from "../../../src/classifier/tf-setup";
import { CLASSIFIER_VIEW_TYPE, ClassifierShellView } from "../../../src/classifier/obsidian/shell-view";
import { ExportWebAppModal, checkExportFolder, defaultExportFolder, exportWebApp } from "../../../src/production/obsidian/export-command";
import type { ClassifierHost } from "../../../src/classifier/app-ports";
import { makePlugin, type Harness } from "../timestamps/obsidian/helpers";
import { TINY_BACKBONE_FOLDER, writeTinyClassifier } from "../support/tiny-classifier";

const RUNTIME = "/* stand-in for the built web-app.js */ window.LessonLab = {};";
const host: ClassifierHost = { loadClassifierData: async () => ({ perFolder: {}, lastModel: null }), saveClassifierData: async () => undefined, updateClassifierData: async () => undefined, pluginDir: () => ".obsidian/plugins/lesson-lab" };
const FILES = ["index.html", "lesson-lab.js", "model.js", "lesson-lab.mjs", "model-card.json", "README.md"];

let tf: Tf;
let disk = "";
beforeAll(async () => {
  tf = (await setupTf({ backends: ["cpu"] })).tf;
  disk = await mkdtemp(path.join(tmpdir(), "lesson-lab-export-app-"));
  await writeTinyClassifier(tf, disk, "Pets", ["cat", "dog"], [0, 1]);
  return () => rm(disk, { recursive: true, force: true });
});
afterEach(() => document.body.empty());

/** The plugin on the stand-in, with the tiny model and its vault backbone copied into the vault. */
async function setUp(): Promise<Harness> {
  const h = await makePlugin({ "Pets/cat/1.png": "", "Pets/dog/1.png": "" });
  for (const folder of [TINY_BACKBONE_FOLDER, "Pets.model"]) {
    await h.app.vault.createFolder(folder);
    for (const name of await readdir(path.join(disk, folder))) {
      const bytes = await readFile(path.join(disk, folder, name));
      if (name.endsWith(".json")) await h.app.vault.create(`${folder}/${name}`, bytes.toString("utf8"));
      else await h.app.vault.createBinary(`${folder}/${name}`, Uint8Array.from(bytes).buffer);
    }
  }
  await h.app.vault.adapter.mkdir(".obsidian/plugins/lesson-lab");
  await h.app.vault.adapter.write(".obsidian/plugins/lesson-lab/web-app.js", RUNTIME);
  return h;
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => window.setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function panelEl(h: Harness): HTMLElement {
  const view = h.app.workspace.getLeavesOfType(CLASSIFIER_VIEW_TYPE)[0]?.view;
  if (!(view instanceof ClassifierShellView)) throw new Error("no classifier view");
  return view.contentEl;
}

function vaultFiles(app: Harness["app"], folder: string): string[] {
  const f = app.vault.getAbstractFileByPath(folder);
  if (!(f instanceof TFolder)) return [];
  return f.children.filter((c) => c instanceof TFile).map((c) => c.name).sort();
}

async function clickExport(el: HTMLElement): Promise<string> {
  const status = el.querySelector(".lesson-lab-export-status")!;
  el.querySelector<HTMLButtonElement>(".lesson-lab-export-button")!.click();
  await until(() => status.querySelector(".lesson-lab-export-where, .lesson-lab-error") !== null, "the export to end");
  return status.textContent ?? "";
}

describe("Export as web app (app)", () => {
  it("the panel exports the saved model into '<dataset> web app/' through the vault API and shows where", async () => {
    const h = await setUp();
    await (h.plugin as unknown as { openClassifier(f: string): Promise<void> }).openClassifier("Pets");
    const el = panelEl(h);
    await until(() => el.querySelector(".lesson-lab-export-button") !== null, "the export section");
    expect(el.querySelector<HTMLInputElement>(".lesson-lab-export-folder")?.value).toBe("Pets web app");

    expect(el.querySelectorAll(".lesson-lab-export-section")).toHaveLength(1);
    expect(await clickExport(el)).toContain("Web app written to Pets web app/index.html.");
    expect(el.querySelector(".lesson-lab-export-where code")?.textContent).toBe("Pets web app/index.html");
    expect(vaultFiles(h.app, "Pets web app")).toEqual([...FILES].sort());
    const read = (name: string): Promise<string> => h.app.vault.adapter.read(`Pets web app/${name}`);
    expect(await read("lesson-lab.js")).toBe(RUNTIME);
    expect(await read("README.md")).toMatch(/^---\ntitle: "Pets classifier"\n[\s\S]*\nsdk: static\n[\s\S]*\n---\n/);
    const model = await read("model.js");
    const bundle = JSON.parse(JSON.parse(/JSON\.parse\((".*")\);\n$/.exec(model)![1]) as string) as { card: { labels: string[] }; backbone: { id: string; weights: string } };
    expect(bundle.card.labels).toEqual(["cat", "dog"]);
    expect(bundle.backbone.id).toBe("vault:tiny-backbone#gap");
    expect(bundle.backbone.weights.length).toBeGreaterThan(100);

    // Again into the same folder: refused, nothing written.
    const userNote = "Pets web app/My notes.md";
    await h.app.vault.create(userNote, "mine");
    expect(await clickExport(el)).toMatch(/^Not exported: "Pets web app" is not empty \(7 entries: .*\)\. Choose a new or empty folder, or use --force/);
    // What "Replace an earlier export" asks for: the export's files are replaced, the note is left alone.
    const again = await exportWebApp(h.app as never, host, "Pets.model", "Pets web app", { force: true });
    expect(again).toMatchObject({ folder: "Pets web app", index: "Pets web app/index.html", written: FILES });
    expect([...again.replaced].sort()).toEqual([...FILES].sort());
    expect(vaultFiles(h.app, "Pets web app")).toEqual([...FILES, "My notes.md"].sort());
    expect(await h.app.vault.adapter.read(userNote)).toBe("mine");
  });

  it("the model folder's file menu offers it; the modal exports into the folder typed", async () => {
    const h = await setUp();
    const menu = new Menu();
    h.app.workspace.trigger("file-menu", menu, h.app.vault.getAbstractFileByPath("Pets.model"), "file-explorer");
    expect((menu as unknown as { menuItems__: { title__: string }[] }).menuItems__.map((i) => i.title__)).toContain("Export as web app");
    const plain = new Menu();
    h.app.workspace.trigger("file-menu", plain, h.app.vault.getAbstractFileByPath("Pets"), "file-explorer");
    expect((plain as unknown as { menuItems__: { title__: string }[] }).menuItems__.map((i) => i.title__)).not.toContain("Export as web app");

    const modal = new ExportWebAppModal(h.app as never, host, "Pets.model");
    modal.onOpen();
    expect(modal.titleEl.textContent).toBe("Export Pets.model as web app");
    const input = modal.contentEl.querySelector<HTMLInputElement>(".lesson-lab-export-folder")!;
    input.value = "Shared/Pets app";
    expect(await clickExport(modal.contentEl)).toContain("Web app written to Shared/Pets app/index.html.");
    expect(vaultFiles(h.app, "Shared/Pets app")).toEqual([...FILES].sort());
  });

  it("refuses folders outside the vault's visible notes, and a missing runtime, with a message", async () => {
    const h = await setUp();
    expect(defaultExportFolder("a/b/Pets.model")).toBe("a/b/Pets web app");
    expect(() => checkExportFolder(h.app as never, "../outside")).toThrow(/without "\." or "\.\."/);
    expect(() => checkExportFolder(h.app as never, ".obsidian/plugins/x")).toThrow(/hidden/);
    expect(() => checkExportFolder(h.app as never, "C:/Users/x")).toThrow(/not a path on disk/);
    expect(checkExportFolder(h.app as never, "/Shared//app/")).toBe("Shared/app");
    await h.app.vault.adapter.remove(".obsidian/plugins/lesson-lab/web-app.js");
    const modal = new ExportWebAppModal(h.app as never, host, "Pets.model");
    modal.onOpen();
    expect(await clickExport(modal.contentEl)).toMatch(/^Not exported: \.obsidian\/plugins\/lesson-lab\/web-app\.js is missing/);
    expect(h.app.vault.getAbstractFileByPath("Pets web app")).toBeNull();
  });
});
