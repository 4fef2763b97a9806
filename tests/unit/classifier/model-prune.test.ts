// @vitest-environment happy-dom
// Older `<folder>.model.previous-<time>/` folders: which ones go (pure), and that the app sends
// exactly those to the trash through fileManager.trashFile, reporting any it could not move.
import { describe, expect, it } from "vitest";
import { App } from "obsidian-test-mocks/obsidian";
import type { App as ObsidianApp, TAbstractFile } from "obsidian";
import { previousModelsToTrash, PREVIOUS_MODELS_KEPT } from "../../../src/classifier/model-io";
import { trashOlderModels } from "../../../src/classifier/obsidian/prune-models";

const T1 = "2026-01-01T10-00-00-000Z";
const T2 = "2026-02-01T10-00-00-000Z";
const T3 = "2026-03-01T10-00-00-000Z";

describe("which previous models go", () => {
  it("keeps the newest (by the time in the name, then the collision counter) and returns the rest, newest first", () => {
    const names = [`pets.model.previous-${T1}`, `pets.model.previous-${T3}`, `pets.model.previous-${T2}`, `pets.model.previous-${T3}-2`, "pets.model", "pets"];
    expect(PREVIOUS_MODELS_KEPT).toBe(1);
    expect(previousModelsToTrash("course/pets.model", names)).toEqual([`course/pets.model.previous-${T3}`, `course/pets.model.previous-${T2}`, `course/pets.model.previous-${T1}`]);
    expect(previousModelsToTrash("course/pets.model", names, 3)).toEqual([`course/pets.model.previous-${T1}`]);
    expect(previousModelsToTrash("pets.model/", names, 0)).toHaveLength(4);
    expect(previousModelsToTrash("pets.model", names, 10)).toEqual([]);
  });

  it("never picks a folder it did not make: other datasets, hand-named copies, the model itself", () => {
    const names = [`cats.model.previous-${T1}`, "pets.model.previous-mine", `pets.model.previous-${T1}-backup`, `my pets.model.previous-${T1}`, "pets.model", `pets.model.previous-${T2}`];
    expect(previousModelsToTrash("pets.model", names)).toEqual([]);
    expect(previousModelsToTrash("pets.model", [...names, `pets.model.previous-${T1}`])).toEqual([`pets.model.previous-${T1}`]);
  });
});

async function vaultWith(folders: string[]): Promise<{ app: ObsidianApp; trashed: string[] }> {
  const app = App.createConfigured__({ files: { "notes/a.md": "# a" } }) as unknown as ObsidianApp;
  for (const f of folders) {
    const parts = f.split("/");
    for (let i = 1; i <= parts.length; i++) {
      const p = parts.slice(0, i).join("/");
      if (!app.vault.getAbstractFileByPath(p)) await app.vault.createFolder(p);
    }
  }
  const trashed: string[] = [];
  const trash = app.fileManager.trashFile.bind(app.fileManager);
  app.fileManager.trashFile = async (file: TAbstractFile) => {
    trashed.push(file.path);
    await trash(file);
  };
  return { app, trashed };
}

describe("trashOlderModels in the app", () => {
  it("trashes the older previous models of that dataset through trashFile, and nothing else", async () => {
    const { app, trashed } = await vaultWith([
      "course/pets/cat",
      "course/pets.model",
      `course/pets.model.previous-${T1}`,
      `course/pets.model.previous-${T2}`,
      `course/pets.model.previous-${T3}`,
      "course/pets.model.previous-mine",
      `course/cats.model.previous-${T1}`,
    ]);
    const result = await trashOlderModels(app, "course/pets.model");
    expect(result).toEqual({ trashed: [`course/pets.model.previous-${T2}`, `course/pets.model.previous-${T1}`], failed: [] });
    expect(trashed).toEqual(result.trashed);
    for (const p of result.trashed) expect(app.vault.getAbstractFileByPath(p)).toBeNull();
    for (const p of ["course/pets.model", `course/pets.model.previous-${T3}`, "course/pets.model.previous-mine", `course/cats.model.previous-${T1}`, "course/pets/cat"]) {
      expect(app.vault.getAbstractFileByPath(p), p).not.toBeNull();
    }
  });

  it("works for a dataset at the vault root; a second run finds nothing more, a missing folder nothing at all", async () => {
    const { app } = await vaultWith(["pets.model", `pets.model.previous-${T1}`, `pets.model.previous-${T2}`, `pets.model.previous-${T3}`]);
    const first = await trashOlderModels(app, "pets.model");
    expect(first.trashed).toEqual([`pets.model.previous-${T2}`, `pets.model.previous-${T1}`]);
    expect(await trashOlderModels(app, "pets.model")).toEqual({ trashed: [], failed: [] });
    expect(await trashOlderModels(app, "missing/pets.model")).toEqual({ trashed: [], failed: [] });
  });

  it("says which folder could not be moved to the trash, and moves the others", async () => {
    const { app } = await vaultWith(["pets.model", `pets.model.previous-${T1}`, `pets.model.previous-${T2}`, `pets.model.previous-${T3}`]);
    const trash = app.fileManager.trashFile.bind(app.fileManager);
    app.fileManager.trashFile = async (file: TAbstractFile) => {
      if (file.path === `pets.model.previous-${T2}`) throw new Error("permission denied");
      await trash(file);
    };
    const result = await trashOlderModels(app, "pets.model");
    expect(result.trashed).toEqual([`pets.model.previous-${T1}`]);
    expect(result.failed).toEqual([{ path: `pets.model.previous-${T2}`, error: "permission denied" }]);
    expect(app.vault.getAbstractFileByPath(`pets.model.previous-${T2}`)).not.toBeNull();
  });
});
