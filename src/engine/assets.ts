// The engine files of the built plugin (see esbuild.config.mjs): the classifier and cleaner code,
// TensorFlow.js, the wasm binary and the backbone's weights, kept out of main.js so that Obsidian's
// start-up pays nothing for them. They are read from the plugin's folder on first use and checked
// against the SHA-256 digests that the build wrote into main.js.
//
// Obsidian's community store installs only main.js, manifest.json and styles.css. When a file is
// missing, shorter than expected or does not match its digest, every such file of its group is
// downloaded once from this version's GitHub release (requestUrl), checked, and written into the
// plugin's folder; a notice says what is downloaded (names, sizes, progress) and, when it fails,
// what to copy by hand. Two groups: "engine" (the classifier's and cleaner's code, tfjs, the wasm
// binary, the weights), on the first use of the classifier or the cleaner, and "web-app" (the
// exported web app's runtime, web-app.js), on the first "Export as web app" only.
// Part of main.js at start-up: keep it light (no tfjs, nothing from src/classifier).
// No `obsidian` import: the plugin's folder, the download and the notices come in through
// EngineIo, which src/engine/obsidian/plugin-folder.ts builds (setUpEngine).
import { errorText } from "../shared/errors";

/** One engine file as the build describes it. */
export interface EngineFile {
  name: string;
  /** Bytes. */
  size: number;
  /** Lower-case hex SHA-256 of the file. */
  sha256: string;
  /**
   * The files downloaded together on the first use of any of them: "engine" (the default) or
   * "web-app" (web-app.js, needed only to export a web app).
   */
  group?: EngineGroup;
}

export type EngineGroup = "engine" | "web-app";

/** What a group is called in the notices: "Lesson Lab is downloading its classifier engine once…". */
const GROUP_NAMES: Record<EngineGroup, string> = { engine: "classifier engine", "web-app": "web app runtime" };

function groupOf(file: EngineFile): EngineGroup {
  return file.group ?? "engine";
}

export interface EngineManifest {
  /** The plugin version the files belong to (the release tag). */
  version: string;
  /** URL prefix of the release's assets ("https://github.com/OWNER/REPO/releases/download/VERSION/"), or "". */
  releaseBase: string;
  files: EngineFile[];
  /** Dynamically imported chunk → the engine files it needs. */
  needs: Record<string, string[]>;
}

/** The loader the build puts at the top of main.js (see RUNTIME in esbuild.config.mjs). */
export interface EngineRuntime {
  manifest: EngineManifest;
  load: ((files: string[]) => Promise<void>) | null;
  define(table: Record<string, unknown>): void;
}

// Set by the build as a parameter of every chunk's function; undefined when the sources run
// directly (tests, the CLI), where nothing is split.
declare const LESSON_LAB_ENGINE: EngineRuntime | undefined;

/** The build's loader, or null when running from the sources. */
export function engineRuntime(): EngineRuntime | null {
  return typeof LESSON_LAB_ENGINE === "undefined" ? null : LESSON_LAB_ENGINE;
}

/** The engine's files as built into this main.js, or null when running from the sources. */
export function engineManifest(): EngineManifest | null {
  return engineRuntime()?.manifest ?? null;
}

/** A notice that stays until hidden, for the download's progress. */
export interface ProgressNotice {
  setMessage(text: string): void;
  hide(): void;
}

/**
 * What the engine loader needs from its surroundings (in the app: the plugin's folder through the
 * vault adapter, requestUrl, Obsidian notices; see src/engine/obsidian/plugin-folder.ts).
 */
export interface EngineIo {
  /** The plugin's folder, vault-relative, for messages ("…/plugins/lesson-lab"). */
  dir: string;
  /** The bytes of the file `name` in the plugin's folder, or null when there is none. */
  read(name: string): Promise<ArrayBuffer | null>;
  /** Writes `bytes` as the file `name` in the plugin's folder. */
  write(name: string, bytes: ArrayBuffer): Promise<void>;
  /** GET `url`: the HTTP status and, for 200, the body. Throws when no response came. */
  download(url: string): Promise<{ status: number; body: ArrayBuffer }>;
  /** Shows an empty notice that stays until hidden. */
  progress(): ProgressNotice;
  /** Shows a notice that stays until the user closes it (errors). */
  warn(text: string): void;
}

let context: EngineIo | null = null;
const verified = new Map<string, Promise<ArrayBuffer>>();
const downloading = new Map<EngineGroup, Promise<void>>();

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function fileEntry(name: string): EngineFile {
  const hit = engineManifest()?.files.find((f) => f.name === name);
  if (!hit) throw new Error(`Lesson Lab: ${name} is not one of this build's engine files`);
  return hit;
}

function ctx(): EngineIo {
  if (!context) throw new Error("Lesson Lab: the engine is not set up (the plugin was not loaded)");
  return context;
}

/** Why the local copy cannot be used, or null when it is good. */
async function problemWith(file: EngineFile, bytes: ArrayBuffer | null): Promise<string | null> {
  if (bytes === null) return "missing";
  if (bytes.byteLength !== file.size) return `${bytes.byteLength} of ${file.size} bytes (incomplete)`;
  if ((await sha256Hex(bytes)) !== file.sha256) return "corrupted (SHA-256 differs)";
  return null;
}

function readLocal(name: string): Promise<ArrayBuffer | null> {
  return ctx().read(name);
}

/** What to do without a network, for messages. */
function manualInstallHint(files: EngineFile[]): string {
  const m = engineManifest();
  const total = files.reduce((n, f) => n + f.size, 0);
  const page = m?.releaseBase ? m.releaseBase.replace("/releases/download/", "/releases/tag/") : "the release page";
  return (
    `Copy ${files.map((f) => f.name).join(", ")} (${megabytes(total)}) from ${page} ` +
    `into the plugin's folder (${ctx().dir}), then try again.`
  );
}

/**
 * Downloads every file of `group` whose local copy is missing, incomplete or corrupted, checks
 * each against its digest and writes it into the plugin's folder. One notice tells the progress.
 */
async function downloadMissing(group: EngineGroup): Promise<void> {
  const m = engineManifest();
  if (!m) throw new Error("Lesson Lab: no engine files are described in this build");
  const what = GROUP_NAMES[group];
  const bad: Array<{ file: EngineFile; why: string }> = [];
  for (const file of m.files.filter((f) => groupOf(f) === group)) {
    const why = await problemWith(file, await readLocal(file.name));
    if (why) bad.push({ file, why });
  }
  if (bad.length === 0) return;
  const files = bad.map((b) => b.file);
  if (!m.releaseBase) {
    throw new Error(`Lesson Lab's ${what} files are not installed (${bad.map((b) => `${b.file.name}: ${b.why}`).join("; ")}). ${manualInstallHint(files)}`);
  }
  const total = files.reduce((n, f) => n + f.size, 0);
  const notice = ctx().progress();
  let done = 0;
  const show = (extra: string) =>
    notice.setMessage(
      `Lesson Lab is downloading its ${what} once (${files.length} ${files.length === 1 ? "file" : "files"}, ${megabytes(total)}) ` +
        `from the ${m.version} release: ${megabytes(done)} of ${megabytes(total)}. ${extra}`,
    );
  try {
    for (const { file } of bad) {
      show(`Now ${file.name} (${megabytes(file.size)}).`);
      const url = m.releaseBase + encodeURIComponent(file.name);
      let bytes: ArrayBuffer;
      try {
        const res = await ctx().download(url);
        if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
        bytes = res.body;
      } catch (e) {
        throw new Error(`Lesson Lab could not download ${file.name} from ${url} (${errorText(e)}). Offline? ${manualInstallHint(files)}`);
      }
      const why = await problemWith(file, bytes);
      if (why) throw new Error(`Lesson Lab downloaded ${file.name} from ${url}, but it is ${why}: nothing was written. ${manualInstallHint(files)}`);
      await ctx().write(file.name, bytes);
      done += file.size;
    }
    notice.setMessage(`Lesson Lab's ${what} is installed (${megabytes(total)}).`);
    window.setTimeout(() => notice.hide(), 4000);
  } catch (e) {
    notice.hide();
    ctx().warn(errorText(e));
    throw e;
  }
}

/** The checked bytes of one engine file, downloading the missing files of its group first when needed. */
export function readEngineAsset(name: string): Promise<ArrayBuffer> {
  let pending = verified.get(name);
  if (!pending) {
    pending = (async () => {
      const file = fileEntry(name);
      const local = await readLocal(name);
      if ((await problemWith(file, local)) === null && local) return local;
      const group = groupOf(file);
      let download = downloading.get(group);
      if (!download) {
        download = downloadMissing(group).finally(() => downloading.delete(group));
        downloading.set(group, download);
      }
      await download;
      const again = await readLocal(name);
      const why = await problemWith(file, again);
      if (why || !again) throw new Error(`Lesson Lab: ${name} in ${ctx().dir} is ${why ?? "missing"}. ${manualInstallHint([file])}`);
      return again;
    })();
    verified.set(name, pending);
    // A failure (offline, a bad file) is retried on the next use.
    pending.catch(() => verified.delete(name));
  }
  return pending;
}

/** The global through which an engine file hands its modules over (see esbuild.config.mjs). */
const ENGINE_GLOBAL = "lessonLabEngine";

/**
 * Runs one checked engine file as a script (a blob: URL, so no network): the file calls
 * `lessonLabEngine.define({...})`, which puts its modules into main.js's loader.
 */
function runEngineScript(rt: EngineRuntime, name: string, bytes: ArrayBuffer): Promise<void> {
  return new Promise((resolve, reject) => {
    let defined = false;
    const define = rt.define.bind(rt);
    (window as unknown as Record<string, unknown>)[ENGINE_GLOBAL] = {
      define: (table: Record<string, unknown>) => {
        defined = true;
        define(table);
      },
    };
    const url = URL.createObjectURL(new Blob([bytes, `\n//# sourceURL=lesson-lab/${name}\n`], { type: "text/javascript" }));
    const script = document.head.createEl("script", { attr: { src: url } });
    const done = (error: Error | null) => {
      URL.revokeObjectURL(url);
      script.remove();
      delete (window as unknown as Record<string, unknown>)[ENGINE_GLOBAL];
      if (error) reject(error);
      else resolve();
    };
    script.addEventListener("load", () => done(defined ? null : new Error(`Lesson Lab: ${name} did not load (see the developer console)`)));
    script.addEventListener("error", () => done(new Error(`Lesson Lab: ${name} could not be run as a script`)));
  });
}

/**
 * Connects the loader in main.js to `io` (the plugin's folder): from now on, the first use of the
 * classifier or the cleaner reads (or downloads) the engine files. Does nothing when running
 * from the sources. Cheap: reads nothing until then. In the app: setUpEngine
 * (src/engine/obsidian/plugin-folder.ts).
 */
export function connectEngine(io: EngineIo): void {
  const rt = engineRuntime();
  if (!rt) return;
  context = io;
  const ran = new Map<string, Promise<void>>();
  // One script at a time: they share the global they define through.
  let queue: Promise<void> = Promise.resolve();
  rt.load = async (files) => {
    await Promise.all(
      files.map((name) => {
        let pending = ran.get(name);
        if (!pending) {
          pending = readEngineAsset(name).then((bytes) => {
            const run = queue.then(() => runEngineScript(rt, name, bytes));
            queue = run.catch(() => undefined);
            return run;
          });
          ran.set(name, pending);
          pending.catch(() => ran.delete(name));
        }
        return pending;
      }),
    );
  };
}
