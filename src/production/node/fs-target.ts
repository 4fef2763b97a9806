// An ExportTarget over a directory on disk (the CLI's --out DIR). Creates files exclusively
// ("wx"), replaces only when asked (--force, and then only the export's own file names).
import { mkdir, readdir, stat, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { ExportError } from "../bundle";
import type { ExportTarget } from "../web-app";

export function fsExportTarget(dir: string): ExportTarget {
  const full = path.resolve(dir);
  return {
    where: `"${full}"`,
    async list() {
      let st;
      try {
        st = await stat(full);
      } catch (error) {
        if ((error as { code?: string }).code === "ENOENT") return null;
        throw error;
      }
      if (!st.isDirectory()) throw new ExportError(`"${full}" is a file, not a folder; give --out a folder`);
      return readdir(full);
    },
    mkdir: async () => {
      await mkdir(full, { recursive: true });
    },
    isFolder: async (name) => (await stat(path.join(full, name)).catch(() => null))?.isDirectory() ?? false,
    async write(name, text, replace) {
      if (name.includes("/") || name.includes("\\") || name.startsWith(".")) throw new ExportError(`unsafe file name ${JSON.stringify(name)}`);
      await writeFile(path.join(full, name), text, { flag: replace ? "w" : "wx" });
    },
  };
}
