// The plugin's data file (data.json), shared by the features. Each feature owns one key
// ("settings" and "positions": timestamps; "classifier"; "cleaner") and writes only through
// here, so no feature's write can lose another's.
import type { Plugin } from "obsidian";

type Data = Record<string, unknown>;

function asObject(raw: unknown): Data | null {
  return typeof raw === "object" && raw !== null && !Array.isArray(raw) ? (raw as Data) : null;
}

/**
 * Serialized read-change-write of data.json: updates run one at a time, each re-reading the
 * file first. When the file cannot be read as an object, the data loaded at start-up is the base.
 */
export class PluginDataStore {
  private queue: Promise<void> = Promise.resolve();
  private loaded: Data = {};

  constructor(private readonly plugin: Pick<Plugin, "loadData" | "saveData">) {}

  /** Reads the whole file (an empty object when there is none or it is not an object) and keeps it as the base. */
  async load(): Promise<Data> {
    this.loaded = asObject(await this.plugin.loadData()) ?? {};
    return { ...this.loaded };
  }

  /** The stored value of one feature's key, as found in the file now (undefined when absent). */
  async get(key: string): Promise<unknown> {
    return (asObject(await this.plugin.loadData()) ?? this.loaded)[key];
  }

  /** Replaces one feature's key, keeping every other key. */
  set(key: string, value: unknown): Promise<void> {
    return this.update((data) => ({ ...data, [key]: value }));
  }

  /** Applies `change` to the whole current data and writes the result; queued behind earlier updates. */
  update(change: (data: Data) => Data): Promise<void> {
    const run = this.queue.then(async () => {
      const current = asObject(await this.plugin.loadData()) ?? this.loaded;
      await this.plugin.saveData(change({ ...current }));
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
