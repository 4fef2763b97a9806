// The engine loader's adapter (src/engine/assets.ts): the engine files live in the plugin's
// folder, read and written through the vault adapter, downloaded with requestUrl, and the
// download's progress and failures shown as Obsidian notices.
import { normalizePath, Notice, requestUrl, type Plugin } from "obsidian";
import { connectEngine, engineRuntime, type EngineIo } from "../assets";

/**
 * Connects the loader in main.js to the plugin's folder: from now on, the first use of the
 * classifier or the cleaner reads (or downloads) the engine files. Does nothing when running
 * from the sources. Cheap: reads nothing until then.
 */
export function setUpEngine(plugin: Plugin): void {
  if (!engineRuntime()) return;
  const { adapter } = plugin.app.vault;
  const dir = plugin.manifest.dir ?? `${plugin.app.vault.configDir}/plugins/${plugin.manifest.id}`;
  const pathOf = (name: string) => normalizePath(`${dir}/${name}`);
  const io: EngineIo = {
    dir,
    read: async (name) => {
      const path = pathOf(name);
      if (!(await adapter.exists(path))) return null;
      return adapter.readBinary(path);
    },
    write: (name, bytes) => adapter.writeBinary(pathOf(name), bytes),
    download: async (url) => {
      const res = await requestUrl({ url, throw: false });
      return { status: res.status, body: res.status === 200 ? res.arrayBuffer : new ArrayBuffer(0) };
    },
    progress: () => new Notice("", 0),
    warn: (text) => {
      new Notice(text, 0);
    },
  };
  connectEngine(io);
}
