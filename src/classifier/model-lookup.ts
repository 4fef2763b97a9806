// Which trained model classifies an image, and what a ```classify block asks for.
// Pure: paths in, paths out; no Obsidian import.
import { modelFolderFor } from "./dataset";
import { ContainmentError, containedFolder } from "../shared/vault-path";

export interface ModelLookupDeps {
  /** Whether a file exists at the vault path. */
  exists(path: string): Promise<boolean>;
  /** The model folder used most recently, if any. */
  lastModel: string | null;
}

export type ModelLookup = { folder: string; why: "dataset" | "recent" | "explicit" } | { error: string };

function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

/** `<f>.model/metadata.json` for the image's nearest ancestor folder f that has one, else the last used model. */
export async function findModelFor(imagePath: string, deps: ModelLookupDeps): Promise<ModelLookup> {
  for (let folder = parentOf(imagePath); folder !== ""; folder = parentOf(folder)) {
    const candidate = modelFolderFor(folder);
    if (await deps.exists(`${candidate}/metadata.json`)) return { folder: candidate, why: "dataset" };
  }
  if (deps.lastModel && (await deps.exists(`${deps.lastModel}/metadata.json`))) return { folder: deps.lastModel, why: "recent" };
  return {
    error: deps.lastModel
      ? `No trained model found: "${deps.lastModel}" is gone and "${imagePath}" is in no dataset folder with a model. Train one in the classifier panel.`
      : `No trained model found for "${imagePath}". Train one in the classifier panel (right-click a folder whose sub-folders are labels).`,
  };
}

/** An explicit `model:` folder: accepts "x.model", "x.model/" or "x.model/metadata.json". */
export function normalizeModelPath(text: string): string {
  return text
    .trim()
    .replace(/\\/g, "/")
    .replace(/^\/+|\/+$/g, "")
    .replace(/\/metadata\.json$/i, "");
}

/** Why `folder` (from a note or a file) cannot be a model folder: it must resolve inside the vault. Null when it can. */
export function modelFolderProblem(folder: string): string | null {
  try {
    containedFolder(folder, "model folder");
    return null;
  } catch (error) {
    if (error instanceof ContainmentError) return error.message;
    throw error;
  }
}

export interface ClassifyBlock {
  /** The link text of `![[x]]`, `[[x]]`, `![](x)` or a bare path; null when the block names no image. */
  image: string | null;
  model: string | null;
  problems: string[];
}

/** Parses a ```classify block: an image (embed, link or path) and an optional `model: folder` line. */
export function parseClassifyBlock(source: string): ClassifyBlock {
  const block: ClassifyBlock = { image: null, model: null, problems: [] };
  for (const raw of source.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("%%")) continue;
    const model = /^model\s*:\s*(.*)$/i.exec(line);
    if (model) {
      const m = normalizeModelPath(model[1].replace(/^\[\[|\]\]$/g, ""));
      if (m === "") block.problems.push('"model:" names no folder.');
      else {
        // Checked before anything looks at the disk: the same message whether or not such a folder exists.
        const problem = modelFolderProblem(m);
        if (problem) block.problems.push(problem);
        else block.model = m;
      }
      continue;
    }
    const image = /^(?:image\s*:\s*)?(.*)$/i.exec(line)![1].trim();
    let target: string | null = null;
    const wiki = /^!?\[\[([^\]|#]+)(?:[#|][^\]]*)?\]\]$/.exec(image);
    const md = /^!?\[[^\]]*\]\(<?([^)>]+)>?\)$/.exec(image);
    if (wiki) target = wiki[1].trim();
    else if (md) target = decodeURIComponentSafe(md[1].trim());
    else if (!/[[\]()]/.test(image)) target = image;
    if (target === null || target === "") {
      block.problems.push(`Cannot read "${line}": use ![[image.png]], a path, or model: folder.model`);
      continue;
    }
    if (block.image !== null) {
      block.problems.push("Only one image per classify block.");
      continue;
    }
    block.image = target;
  }
  if (block.image === null && block.problems.length === 0) block.problems.push("The block names no image: add ![[image.png]] or a path.");
  return block;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
