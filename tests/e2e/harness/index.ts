// The browser harness: Debian's Chromium (driven by playwright-core) loads a page that runs the
// built plugin (main.js) on the obsidian-test-mocks stand-in, with a vault served over HTTP from
// 127.0.0.1. Notes are rendered by a stand-in for Obsidian's Reading view
// (tests/standin/browser-reading-view.ts): it splits the note into sections and calls the
// plugin's registered code-block processors and post-processors the way Obsidian does; it is
// not Obsidian's Markdown renderer. No request leaves 127.0.0.1: YouTube and Vimeo embeds are
// answered by recording fakes (fake-embeds.ts), anything else is aborted and listed.
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import { chromium, type Browser, type BrowserContext, type Frame, type Page } from "playwright-core";
import type { BootResult, RenderResult } from "../../standin/browser-harness";
import { buildStandIn, REPO_ROOT } from "./build";
import { fakeEmbedHtml, fakeProviderFor, type Provider } from "./fake-embeds";
import { startServer, type HarnessServer } from "./server";

export { REPO_ROOT } from "./build";
export type { Provider } from "./fake-embeds";

export const DEMO_VAULT = join(REPO_ROOT, "demo-vault");
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--autoplay-policy=no-user-gesture-required",
];

export interface HarnessOptions {
  /** Vault folder to serve and load; defaults to demo-vault/. */
  vault?: string;
  /** Render this note once the plugin is loaded. */
  note?: string;
  /** Plugin bundle; defaults to $LESSON_LAB_MAIN_JS, else the repository's built main.js. */
  mainJs?: string;
  viewport?: { width: number; height: number };
  /**
   * Serve the page cross-origin isolated (COOP same-origin + COEP require-corp), which gives
   * performance.now() 5 µs resolution instead of 100 µs. Embeds (fake YouTube/Vimeo) then cannot
   * load, so use it for benchmarks only.
   */
  isolated?: boolean;
  /**
   * The engine files next to main.js (engine-*, see esbuild.config.mjs): "installed" (default)
   * puts them into the plugin's folder of the in-page vault, as `npm run demo` or a manual
   * install does; "store" leaves them out, as Obsidian's community store installs only main.js,
   * manifest.json and styles.css (the plugin then downloads them on first use).
   */
  engine?: "installed" | "store";
  /**
   * Where the plugin's downloads of release assets (https://github.com/…/releases/download/…)
   * go: a folder served on 127.0.0.1 (default: the folder of main.js), or "offline" (aborted).
   */
  release?: string;
}

/** The engine files of a build, as its main.js describes them (esbuild.config.mjs writes the list), sorted. */
export async function engineFiles(mainJs: string): Promise<string[]> {
  const described = /manifest = (\{.*?\});\n/.exec(await readFile(mainJs, "utf8"));
  if (!described) throw new Error(`${mainJs} describes no engine files (was it built by esbuild.config.mjs?)`);
  return (JSON.parse(described[1]) as { files: { name: string }[] }).files.map((f) => f.name).sort();
}

let sharing = false;
let shared: Promise<Browser> | null = null;

/**
 * From now on in this process, every harness opens a fresh browser context (its own cookies,
 * storage and cache, as a fresh profile has) in one Chromium launched on first use, instead of
 * launching Chromium each time. The browser tests call it (tests/e2e/harness/setup.ts, with
 * closeSharedBrowser after a file); the benches do not, so their start-up figures keep a fresh
 * browser each time.
 */
export function shareOneBrowser(): void {
  sharing = true;
}

/** Closes the Chromium that shareOneBrowser's harnesses share, if one was launched. */
export async function closeSharedBrowser(): Promise<void> {
  const browser = shared;
  shared = null;
  if (browser) await (await browser.catch(() => null))?.close();
}

function sharedBrowser(): Promise<Browser> {
  shared ??= chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  // A failed launch is tried again by the next harness.
  shared.catch(() => (shared = null));
  return shared;
}

/** The in-page vault's plugin folder (the stand-in's manifest has no `dir`). */
export const PLUGIN_DIR = ".obsidian/plugins/lesson-lab";

export interface Harness {
  page: Page;
  context: BrowserContext;
  /** http://127.0.0.1:PORT */
  origin: string;
  vaultDir: string;
  /** `await plugin.onload()` in the page, ms. */
  onloadMs: number;
  boot: BootResult;
  renderNote(path: string, options?: { expectLinks?: number; withoutProcessors?: boolean }): Promise<RenderResult>;
  /** The fake embed frame of a provider, once the player created it. */
  embedFrame(provider: Provider): Frame | null;
  /** Messages the fake embed received, JSON strings parsed. */
  embedMessages(provider: Provider): Promise<unknown[]>;
  /** Messages the fake embed received, exactly as posted (event.data). */
  embedRawMessages(provider: Provider): Promise<unknown[]>;
  /** Calls the plugin's seek(video, seconds, sourcePath) in the page. */
  seek(video: unknown, seconds: number, sourcePath: string): Promise<void>;
  /** View types of all workspace leaves. */
  leafTypes(): Promise<string[]>;
  /** Reloads the page (a fresh JS realm) and loads the plugin again; onloadMs/boot are updated. */
  reload(): Promise<BootResult>;
  /** Requests to anything but 127.0.0.1 that no fake answers (aborted). Should stay empty. */
  externalRequests: string[];
  /** Requests the fakes answered. */
  fakeRequests: string[];
  /** Release-asset downloads the plugin asked for (answered from 127.0.0.1, or aborted offline). */
  releaseRequests: string[];
  /** Uncaught page errors and console errors, for diagnosis. */
  pageErrors: string[];
  consoleErrors: string[];
  server: HarnessServer;
  close(): Promise<void>;
}

/** Vault path → text for Markdown files, "" for the rest; skips .obsidian/ and dot-folders. */
export async function readVaultFiles(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  async function walk(folder: string): Promise<void> {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      if (entry.name.startsWith(".")) continue;
      const full = join(folder, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) {
        const path = relative(dir, full).split(sep).join("/");
        files[path] = path.toLowerCase().endsWith(".md") ? await readFile(full, "utf8") : "";
      }
    }
  }
  await walk(dir);
  return files;
}

/** Writes a throw-away vault (path → text or bytes) and returns its folder. */
export async function makeTempVault(files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "lesson-lab-vault-"));
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, ...path.split("/"));
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
  }
  return dir;
}

/** Copies the served engine files into the in-page vault's plugin folder (what a full install has). */
export async function installEngine(page: Page, names: string[], dir: string): Promise<void> {
  await page.evaluate(
    async ({ names, dir }) => {
      const { adapter } = window.lessonLabHarness.app.vault;
      for (const name of names) {
        const res = await fetch(`/engine/${name}`);
        if (!res.ok) throw new Error(`/engine/${name}: ${res.status}`);
        await adapter.writeBinary(`${dir}/${name}`, await res.arrayBuffer());
      }
    },
    { names, dir },
  );
}

export async function openHarness(options: HarnessOptions = {}): Promise<Harness> {
  const vaultDir = options.vault ?? DEMO_VAULT;
  const mainJs = options.mainJs ?? process.env.LESSON_LAB_MAIN_JS ?? join(REPO_ROOT, "main.js");
  if (!existsSync(mainJs)) throw new Error(`${mainJs} is missing: run \`npm run build\` first`);
  const standin = await buildStandIn();
  const routes: Record<string, string> = {
    "/": join(REPO_ROOT, "tests", "e2e", "harness", "page.html"),
    "/standin.js": standin,
    // Obsidian's default theme for the page (harness only; see the file's header).
    "/obsidian-theme.css": join(REPO_ROOT, "tests", "e2e", "harness", "obsidian-theme.css"),
  };
  const styles = join(dirname(mainJs), "styles.css");
  routes["/main.js"] = mainJs;
  const inline: Record<string, { contentType: string; body: string }> = {};
  const engine = await engineFiles(mainJs);
  for (const name of engine) routes[`/engine/${name}`] = join(dirname(mainJs), name);
  const releaseDir = options.release ?? dirname(mainJs);
  if (releaseDir !== "offline") for (const name of await readdir(releaseDir)) routes[`/release/${name}`] = join(releaseDir, name);
  if (existsSync(styles)) routes["/styles.css"] = styles;
  else inline["/styles.css"] = { contentType: "text/css", body: "/* the plugin ships no styles.css */\n" };
  const extraHeaders: Record<string, string> = options.isolated
    ? { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" }
    : {};
  const server = await startServer({ files: routes, inline, vaultDir, extraHeaders });

  const viewport = options.viewport ?? { width: 1280, height: 800 };
  const userDataDir = sharing ? null : await mkdtemp(join(tmpdir(), "lesson-lab-chromium-"));
  const context = userDataDir
    ? await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport })
    : await (await sharedBrowser()).newContext({ viewport });
  const externalRequests: string[] = [];
  const fakeRequests: string[] = [];
  const releaseRequests: string[] = [];
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  await context.route("**/*", async (route) => {
    const url = route.request().url();
    if (url.startsWith(server.origin + "/")) return route.continue();
    const release = /^https:\/\/github\.com\/[^/]+\/[^/]+\/releases\/download\/[^/]+\/([^/?#]+)$/.exec(url);
    if (release) {
      releaseRequests.push(url);
      if (releaseDir === "offline") return route.abort("internetdisconnected");
      const local = await route.fetch({ url: `${server.origin}/release/${release[1]}` });
      return route.fulfill({ response: local });
    }
    const provider = fakeProviderFor(url);
    if (provider) {
      fakeRequests.push(url);
      return route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: fakeEmbedHtml(provider, url) });
    }
    externalRequests.push(url);
    return route.abort("blockedbyclient");
  });

  const closeAll = async (): Promise<void> => {
    // A route still answering (a release download the page started last) would otherwise fail
    // with "Request context disposed" once the context is gone.
    await context.unrouteAll({ behavior: "ignoreErrors" }).catch(() => undefined);
    await context.close().catch(() => undefined);
    await server.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  };

  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    const manifest = JSON.parse(await readFile(join(REPO_ROOT, "manifest.json"), "utf8")) as Record<string, unknown>;
    const files = await readVaultFiles(vaultDir);
    const bootPage = async (): Promise<BootResult> => {
      await page.goto(server.origin + "/");
      const result = await page.evaluate((opts) => window.lessonLabHarness.boot(opts), {
        files,
        resourceBase: server.origin + "/vault/",
        mainJsUrl: server.origin + "/main.js",
        manifest: manifest as never,
      });
      if ((options.engine ?? "installed") === "installed") await installEngine(page, engine, PLUGIN_DIR);
      return result;
    };
    const boot = await bootPage();

    const embedFrame = (provider: Provider): Frame | null => page.frames().find((f) => fakeProviderFor(f.url()) === provider) ?? null;
    const embedRawMessages = async (provider: Provider): Promise<unknown[]> => {
      const frame = embedFrame(provider);
      if (!frame) return [];
      return frame.evaluate(() => (window as unknown as { __fakeEmbed?: { received: unknown[] } }).__fakeEmbed?.received ?? []);
    };
    const harness: Harness = {
      page,
      context,
      origin: server.origin,
      vaultDir,
      onloadMs: boot.onloadMs,
      boot,
      renderNote: (path, opts) => page.evaluate(([p, o]) => window.lessonLabHarness.renderNote(p, o), [path, opts ?? {}] as const),
      embedFrame,
      embedRawMessages,
      embedMessages: async (provider) => {
        const raw = await embedRawMessages(provider);
        return raw.map((d) => {
          if (typeof d !== "string") return d;
          try {
            return JSON.parse(d) as unknown;
          } catch {
            return d;
          }
        });
      },
      seek: (video, seconds, sourcePath) =>
        page.evaluate(([v, s, p]) => window.lessonLabHarness.seek(v, s, p), [video, seconds, sourcePath] as const),
      leafTypes: () => page.evaluate(() => window.lessonLabHarness.leafTypes()),
      reload: async () => {
        const again = await bootPage();
        harness.boot = again;
        harness.onloadMs = again.onloadMs;
        return again;
      },
      externalRequests,
      fakeRequests,
      releaseRequests,
      pageErrors,
      consoleErrors,
      server,
      close: closeAll,
    };
    if (options.note) await harness.renderNote(options.note);
    return harness;
  } catch (e) {
    await closeAll();
    throw e;
  }
}
