// After a save: the previous models beyond the newest kept go to the trash (the user's
// "Deleted files" setting), so that retraining again and again does not fill the vault with
// `<folder>.model.previous-<time>/` folders. Which ones is decided by model-io (pure).
import { normalizePath, TFolder, type App } from "obsidian";
import { previousModelsToTrash } from "../model-io";
import { errorText } from "../../shared/errors";

export interface PruneResult {
  trashed: string[];
  /** Folders that could not be trashed, with the reason; they stay where they are. */
  failed: { path: string; error: string }[];
}

export async function trashOlderModels(app: App, modelFolder: string): Promise<PruneResult> {
  const folder = normalizePath(modelFolder);
  const slash = folder.lastIndexOf("/");
  const parent = slash < 0 ? app.vault.getRoot() : app.vault.getAbstractFileByPath(folder.slice(0, slash));
  const result: PruneResult = { trashed: [], failed: [] };
  if (!(parent instanceof TFolder)) return result;
  const names = parent.children.filter((c) => c instanceof TFolder).map((c) => c.name);
  for (const path of previousModelsToTrash(folder, names)) {
    const target = app.vault.getAbstractFileByPath(normalizePath(path));
    if (!(target instanceof TFolder)) continue;
    try {
      await app.fileManager.trashFile(target);
      result.trashed.push(path);
    } catch (error) {
      result.failed.push({ path, error: errorText(error) });
    }
  }
  return result;
}
