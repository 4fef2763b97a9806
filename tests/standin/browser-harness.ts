// Harness-only page side of the browser tests: boots the built plugin (main.js, CommonJS) on the
// obsidian-test-mocks stand-in inside Chromium and renders notes as Reading view would.
// Driven from Node through page.evaluate (see tests/e2e/harness/index.ts).
import * as codemirrorState from "@codemirror/state";
import * as codemirrorView from "@codemirror/view";
import type { PluginManifest, ViewCreator } from "obsidian";
import * as standIn from "./obsidian";
import { App, type Plugin, type TFile } from "obsidian-test-mocks/obsidian";
import { installLiveWorkspace } from "./browser-workspace";
import { requestUrl } from "./browser-request";
import { renderReadingView, splitSections, type RenderedNote } from "./browser-reading-view";

export interface BootOptions {
  /** Vault path → text for notes; other files (media) are listed with "" and served over HTTP. */
  files: Record<string, string>;
  /** URL prefix under which the server serves the vault's files ("http://127.0.0.1:N/vault/"). */
  resourceBase: string;
  /** URL of the plugin bundle (main.js as built). */
  mainJsUrl: string;
  manifest: PluginManifest;
}

export interface BootResult {
  /** Time of `await plugin.onload()`, in ms. */
  onloadMs: number;
  /** Time until onload() returned (its synchronous part), in ms. */
  onloadSyncMs: number;
  /** Time to compile main.js as `new Function(module, exports, require, source)` and run its module body, in ms. */
  evalMs: number;
  codeBlockLanguages: string[];
  viewTypes: string[];
}

export interface RenderResult {
  sections: number;
  links: number;
  errors: string[];
  /** From the start of rendering until the processors settled and `expectLinks` links exist. */
  ms: number;
}

/** The plugin as the mock's Plugin stores what it registers. */
type LoadedPlugin = Plugin & {
  onload(): unknown;
  markdownCodeBlockProcessors__: Map<string, (source: string, el: HTMLElement, ctx: never) => unknown>;
  markdownPostProcessors__: ((el: HTMLElement, ctx: never) => unknown)[];
  views__: Map<string, ViewCreator>;
  loaded__: boolean;
};

interface HarnessState {
  app: App;
  plugin: LoadedPlugin;
  rendered: RenderedNote | null;
}

let state: HarnessState | null = null;

export interface SeekRecord {
  /** currentTime of the media element when its `seeked` event fired. */
  time: number;
  src: string;
  tag: string;
}

// Media events do not bubble, but a capturing listener on the document sees every one:
// each `seeked` of any <video>/<audio> in the page is recorded with the time it landed on.
const seeks: SeekRecord[] = [];
document.addEventListener(
  "seeked",
  (e) => {
    const media = e.target;
    if (media instanceof HTMLMediaElement) seeks.push({ time: media.currentTime, src: media.currentSrc, tag: media.tagName.toLowerCase() });
  },
  true,
);

/** Every text a Notice showed, in order (its first message and each setMessage), for the tests. */
const notices: string[] = [];

/** The stand-in's Notice, recording what it shows (the mock's notices are never on the page). */
class RecordingNotice extends standIn.Notice {
  constructor(message: string | DocumentFragment, duration?: number) {
    super(message, duration);
    notices.push(typeof message === "string" ? message : (message.textContent ?? ""));
  }

  override setMessage(message: string | DocumentFragment): this {
    notices.push(typeof message === "string" ? message : (message.textContent ?? ""));
    return super.setMessage(message);
  }
}

// What Obsidian's require hands a plugin: its API and the CodeMirror 6 packages it ships.
// requestUrl really fetches in the page (browser-request.ts); notices are recorded.
const MODULES: Record<string, unknown> = {
  obsidian: { ...standIn, requestUrl, Notice: RecordingNotice },
  "@codemirror/state": codemirrorState,
  "@codemirror/view": codemirrorView,
};

function requireShim(id: string): unknown {
  if (id in MODULES) return MODULES[id];
  throw new Error(`Cannot find module '${id}' (the harness provides ${Object.keys(MODULES).join(", ")})`);
}

function pageEl(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the harness page has no #${id}`);
  return el;
}

function resourceUrl(base: string, path: string): string {
  return base + path.split("/").map(encodeURIComponent).join("/");
}

async function boot(opts: BootOptions): Promise<BootResult> {
  if (state) throw new Error("the harness is already booted; open a new page");
  const app = App.createConfigured__({ files: opts.files });
  // Obsidian serves vault files under app://…; here the harness server serves them over HTTP.
  const vault = app.vault as unknown as Record<string, unknown>;
  vault.getResourcePath = (file: TFile) => resourceUrl(opts.resourceBase, file.path) + `?${file.stat.mtime}`;
  (app.vault.adapter as unknown as Record<string, unknown>).getResourcePath = (path: string) => resourceUrl(opts.resourceBase, path);

  // main.js is CommonJS; Obsidian evaluates its text as a function of (module, exports, require):
  // timed here the same way, compiling included.
  const response = await fetch(opts.mainJsUrl);
  if (!response.ok) throw new Error(`${opts.mainJsUrl}: HTTP ${response.status}`);
  // A unique last line per boot: V8 caches what `new Function` compiled for a source it saw
  // before in this renderer, which an app launch never has; every boot is timed cold.
  const source = `${await response.text()}\n// boot ${Date.now()}-${Math.random()}\n`;
  const t0 = performance.now();
  const module: { exports: Record<string, unknown> } = { exports: {} };
  const factory = new Function("module", "exports", "require", source) as (m: typeof module, e: Record<string, unknown>, r: typeof requireShim) => void;
  factory(module, module.exports, requireShim);
  const evalMs = performance.now() - t0;
  const PluginClass = (module.exports.default ?? module.exports) as new (app: App, manifest: PluginManifest) => LoadedPlugin;
  if (typeof PluginClass !== "function") throw new Error("main.js exports no plugin class");

  const plugin = new PluginClass(app, opts.manifest);
  installLiveWorkspace(app, {
    mainEl: pageEl("main-leaves"),
    rightEl: pageEl("right-sidebar"),
    findViewCreator: (type) => plugin.views__.get(type),
  });
  state = { app, plugin, rendered: null };
  // Obsidian marks a component loaded before calling onload, so children added during onload load at once.
  plugin.loaded__ = true;
  const t1 = performance.now();
  const pending = plugin.onload() as Promise<void> | void;
  const onloadSyncMs = performance.now() - t1;
  await pending;
  const onloadMs = performance.now() - t1;
  app.workspace.setLayoutReady__();
  return {
    onloadMs,
    onloadSyncMs,
    evalMs,
    codeBlockLanguages: [...plugin.markdownCodeBlockProcessors__.keys()],
    viewTypes: [...plugin.views__.keys()],
  };
}

function booted(): HarnessState {
  if (!state) throw new Error("the harness is not booted");
  return state;
}

function countLinks(root: HTMLElement): number {
  return root.querySelectorAll("a.lesson-lab-timestamp").length;
}

/** Resolves when `root` holds at least `n` timestamp links (or at once when n is 0). */
function whenLinks(root: HTMLElement, n: number, timeoutMs: number): Promise<void> {
  if (countLinks(root) >= n) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const observer = new MutationObserver(() => {
      if (countLinks(root) >= n) {
        observer.disconnect();
        window.clearTimeout(timer);
        resolve();
      }
    });
    const timer = window.setTimeout(() => {
      observer.disconnect();
      reject(new Error(`only ${countLinks(root)} of ${n} timestamp links after ${timeoutMs} ms`));
    }, timeoutMs);
    observer.observe(root, { childList: true, subtree: true });
  });
}

interface RenderOptions {
  /** Wait for this many `a.lesson-lab-timestamp` links before stopping the clock. */
  expectLinks?: number;
  /** Render without the plugin's processors (the harness's own cost, for the benchmark). */
  withoutProcessors?: boolean;
}

async function renderNote(path: string, options: RenderOptions = {}): Promise<RenderResult> {
  const { app, plugin } = booted();
  const file = app.vault.getFileByPath(path);
  if (!file) throw new Error(`no note ${path} in the vault`);
  const text = await app.vault.cachedRead(file);
  const fm = app.metadataCache.getFileCache(file)?.frontmatter;
  const root = pageEl("note");
  const sizer = pageEl("note-sizer");
  state!.rendered?.unload();
  sizer.empty();
  root.dataset.path = path;
  const t0 = performance.now();
  const rendered = renderReadingView(text, sizer, {
    sourcePath: path,
    frontmatter: fm ? { ...fm } : undefined,
    codeBlockProcessors: options.withoutProcessors ? new Map() : plugin.markdownCodeBlockProcessors__,
    postProcessors: options.withoutProcessors ? [] : plugin.markdownPostProcessors__,
  });
  state!.rendered = rendered;
  await rendered.done;
  await whenLinks(sizer, options.expectLinks ?? 0, 30_000);
  const ms = performance.now() - t0;
  return { sections: rendered.sections.length, links: countLinks(sizer), errors: rendered.errors.map(String), ms };
}

/** Calls the plugin's `seek(video, seconds, sourcePath)` (part of its contract; video is a VideoRef). */
async function seek(video: unknown, seconds: number, sourcePath: string): Promise<void> {
  const { plugin } = booted();
  const fn = (plugin as unknown as { seek?: (v: unknown, s: number, p: string) => unknown }).seek;
  if (typeof fn !== "function") throw new Error("the plugin has no seek()");
  await fn.call(plugin, video, seconds, sourcePath);
}

/** Types of the leaves the workspace holds (e.g. to count player leaves). */
function leafTypes(): string[] {
  const types: string[] = [];
  booted().app.workspace.iterateAllLeaves((leaf) => types.push(leaf.getViewState().type));
  return types;
}

async function unloadPlugin(): Promise<void> {
  const { plugin } = booted();
  state!.rendered?.unload();
  plugin.unload();
  await Promise.resolve();
}

export const harness = {
  obsidian: standIn,
  boot,
  renderNote,
  seek,
  leafTypes,
  unloadPlugin,
  /** Every `seeked` so far (see SeekRecord); clear with takeSeeks(). */
  takeSeeks: (): SeekRecord[] => seeks.splice(0),
  seeks,
  /** Every notice text so far (see RecordingNotice). */
  notices,
  splitSections,
  get app(): App {
    return booted().app;
  },
  get plugin(): LoadedPlugin {
    return booted().plugin;
  },
};

export type PageHarness = typeof harness;

export { requireShim };
