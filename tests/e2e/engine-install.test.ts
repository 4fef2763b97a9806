// The engine files in a real browser (see esbuild.config.mjs and src/engine/assets.ts): the built
// main.js in Chromium on the stand-in, with the release's assets answered from 127.0.0.1 (the
// harness routes https://github.com/…/releases/download/… there, or aborts it "offline").
//
// - The store install: only main.js, manifest.json and styles.css in the plugin's folder. Start-up
//   reads and downloads nothing, timestamps work, the classifier and cleaner are registered; the
//   first use downloads the four engine files once (a notice gives names, sizes and progress),
//   checks them, writes them, and a classifier trains and classifies on wasm with them; the web
//   app's runtime (web-app.js) is downloaded only by the first "Export as web app", which copies
//   it; a second use downloads nothing.
// - An incomplete and a corrupted local file: only those two are downloaded again.
// - A corrupted download: nothing is written, the message says what to copy by hand, and the
//   plugin still unloads cleanly.
// - Offline: a clear message naming the files to copy and the folder; timestamps keep working;
//   after copying the files by hand, "Try again" opens the panel without any download.
// - A corrupted web-app.js download at export: refused, nothing written (neither the runtime nor
//   the web app), the message says to copy web-app.js by hand.
import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEMO_VAULT, engineFiles, installEngine, openHarness, PLUGIN_DIR, REPO_ROOT, type Harness } from "./harness";
import { cleanUpAfterEach } from "./harness/checks";
import { keepModalsInPage } from "./harness/modals";
import { loadServedBytes } from "./harness/vault-bytes";

const MAIN_JS = join(REPO_ROOT, "main.js");
const PANEL = "#right-sidebar .lesson-lab-classifier";
const SHELL = "#right-sidebar .workspace-leaf";
const MODAL = ".modal-container";
const LABELS = ["Bag", "Trouser"];
const PER_LABEL = 6;

const track = cleanUpAfterEach();

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** The files downloaded on the first use of the classifier: all but the web app's runtime. */
const classifierEngine = (names: string[]) => names.filter((n) => n !== "web-app.js");

/** A vault with a lesson note and a small two-label dataset (real PNGs from the demo vault). */
async function makeVault(): Promise<string> {
  const dir = track.folder(await mkdtemp(join(tmpdir(), "lesson-lab-engine-")));
  await cp(join(REPO_ROOT, "tests", "fixtures", "Lesson 2.md"), join(dir, "Lesson 2.md"));
  for (const label of LABELS) {
    const names = await readdir(join(DEMO_VAULT, "Fashion", label));
    for (const name of names.filter((n) => n.endsWith(".png")).sort().slice(0, PER_LABEL)) {
      await cp(join(DEMO_VAULT, "Fashion", label, name), join(dir, "Fashion", label, name));
    }
  }
  return dir;
}

/** The engine files in the in-page plugin folder: name → SHA-256 (absent files left out). */
async function pluginFolder(h: Harness, names: string[]): Promise<Record<string, string>> {
  return h.page.evaluate(
    async ({ names, dir }) => {
      const { adapter } = window.lessonLabHarness.app.vault;
      const out: Record<string, string> = {};
      for (const name of names) {
        if (!(await adapter.exists(`${dir}/${name}`))) continue;
        const digest = await crypto.subtle.digest("SHA-256", await adapter.readBinary(`${dir}/${name}`));
        out[name] = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
      }
      return out;
    },
    { names, dir: PLUGIN_DIR },
  );
}

async function builtDigests(names: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of names) out[name] = sha256(await readFile(join(REPO_ROOT, name)));
  return out;
}

/** Opens the classifier panel from the dataset folder's file menu, as a user does. */
async function openPanelFromMenu(h: Harness): Promise<void> {
  await h.page.evaluate(() => {
    const { app, obsidian } = window.lessonLabHarness;
    const folder = app.vault.getAbstractFileByPath("Fashion");
    const menu = obsidian.Menu.forEvent(new MouseEvent("contextmenu"));
    app.workspace.trigger("file-menu", menu, folder, "file-explorer");
    const item = menu.menuItems__.find((i) => i.title__ === "Train a classifier on this folder");
    if (!item?.onClick__) throw new Error("no train item in the folder's menu");
    item.onClick__(new MouseEvent("click"));
  });
}

/** Start-up with no engine file: nothing read or downloaded, timestamps work, everything registered. */
async function checkStartUp(h: Harness): Promise<void> {
  expect(h.releaseRequests).toEqual([]);
  expect(h.server.requests.filter((p) => p.startsWith("/release/") || p.startsWith("/engine/"))).toEqual([]);
  expect(h.boot.viewTypes).toEqual(expect.arrayContaining(["lesson-lab-classifier", "lesson-lab-cleaner"]));
  expect(h.boot.codeBlockLanguages).toEqual(expect.arrayContaining(["timestamp", "timestamp-url", "classify"]));
  const rendered = await h.renderNote("Lesson 2.md", { expectLinks: 2 });
  expect(rendered.errors).toEqual([]);
  expect(rendered.links).toBeGreaterThanOrEqual(2);
}

function releaseNames(h: Harness): string[] {
  return h.releaseRequests.map((u) => decodeURIComponent(u.split("/").pop() ?? ""));
}

describe("engine files in Chromium", () => {
  it("store install: start-up loads nothing; the first use downloads the engine once, checks it, and trains and classifies with it", { timeout: 120_000 }, async () => {
    const names = await engineFiles(MAIN_JS);
    expect(names).toEqual(["engine-app.js", "engine-mobilenet_v2.bin", "engine-tfjs-backend-wasm-simd.wasm", "engine-tfjs.js", "web-app.js"]);
    const h = track.harness(await openHarness({ vault: await makeVault(), engine: "store" }));
    expect(await pluginFolder(h, names)).toEqual({});
    await checkStartUp(h);

    // First use: the panel. Every missing file is downloaded from the release, once.
    expect(await loadServedBytes(h.page, "png", "Fashion/")).toBe(LABELS.length * PER_LABEL);
    await h.page.evaluate(async () => {
      await window.lessonLabHarness.plugin.saveData({
        classifier: {
          perFolder: { Fashion: { validPct: 20, seed: 42, epochs: 2, lr: 0.003, augment: false, backbone: "bundled", vaultModel: "", vaultLayer: "", backend: "wasm" } },
          lastModel: null,
        },
      });
    });
    await openPanelFromMenu(h);
    await h.page.waitForSelector(`${PANEL} .lesson-lab-label-row >> nth=1`, { timeout: 60_000 });
    const engine = classifierEngine(names);
    expect(releaseNames(h).sort()).toEqual(engine);
    for (const url of h.releaseRequests) expect(url).toMatch(/^https:\/\/github\.com\/[^/]+\/[^/]+\/releases\/download\/\d+\.\d+\.\d+\/engine-[\w.-]+$/);
    expect(await pluginFolder(h, names)).toEqual(await builtDigests(engine));
    const notices = await h.page.evaluate(() => window.lessonLabHarness.notices.slice());
    const progress = notices.filter((n) => n.startsWith("Lesson Lab is downloading its classifier engine once"));
    expect(progress.length).toBe(engine.length);
    expect(progress[0]).toMatch(/^Lesson Lab is downloading its classifier engine once \(4 files, \d+\.\d MB\) from the \d+\.\d+\.\d+ release: 0\.0 MB of \d+\.\d MB\. Now [\w.-]+ \(\d+\.\d MB\)\.$/);
    expect(notices).toContain(`Lesson Lab's classifier engine is installed (${megabytes(await sizes(engine))}).`);

    // The downloaded tfjs, wasm binary and weights train a classifier and classify an image.
    await h.page.click(`${PANEL} .lesson-lab-train-button`);
    await h.page.waitForSelector(`${PANEL} .lesson-lab-model-info`, { timeout: 90_000 });
    expect(await h.page.textContent(`${PANEL} .lesson-lab-backend`)).toBe("Backend: wasm");
    await keepModalsInPage(h.page);
    await h.page.evaluate(() => {
      const { app, obsidian } = window.lessonLabHarness;
      const file = app.vault.getAbstractFileByPath(app.vault.getFiles().find((f) => f.path.startsWith("Fashion/Trouser/"))!.path);
      const menu = obsidian.Menu.forEvent(new MouseEvent("contextmenu"));
      app.workspace.trigger("file-menu", menu, file, "file-explorer");
      menu.menuItems__.find((i) => i.title__ === "Classify image")!.onClick__!(new MouseEvent("click"));
    });
    await h.page.locator(`${MODAL} .lesson-lab-predicted`).waitFor({ timeout: 30_000 });
    expect(LABELS).toContain(await h.page.locator(`${MODAL} .lesson-lab-predicted`).textContent());

    // Training and classifying downloaded nothing more: the web app's runtime waits for an export.
    expect(releaseNames(h).sort()).toEqual(engine);

    // "Export as web app" from the panel: the page's runtime is web-app.js, downloaded now, checked.
    await h.page.evaluate((sel) => document.querySelector<HTMLButtonElement>(sel)!.click(), `${PANEL} .lesson-lab-export-button`);
    await h.page.waitForSelector(`${PANEL} .lesson-lab-export-status .lesson-lab-export-where, ${PANEL} .lesson-lab-export-status .lesson-lab-error`, { timeout: 60_000 });
    expect(await h.page.textContent(`${PANEL} .lesson-lab-export-status`)).toContain("Web app written to Fashion web app/index.html.");
    const exported = await h.page.evaluate(async () => {
      const text = await window.lessonLabHarness.app.vault.adapter.read("Fashion web app/lesson-lab.js");
      const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
      return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
    });
    expect(exported).toBe((await builtDigests(["web-app.js"]))["web-app.js"]);
    expect(await pluginFolder(h, names)).toEqual(await builtDigests(names));
    const exportNotices = (await h.page.evaluate(() => window.lessonLabHarness.notices.slice())).slice(notices.length);
    expect(exportNotices.filter((n) => n.startsWith("Lesson Lab is downloading"))).toEqual([
      `Lesson Lab is downloading its web app runtime once (1 file, ${megabytes(await sizes(["web-app.js"]))}) from the ${await version()} release: 0.0 MB of ${megabytes(await sizes(["web-app.js"]))}. Now web-app.js (${megabytes(await sizes(["web-app.js"]))}).`,
    ]);
    expect(exportNotices).toContain(`Lesson Lab's web app runtime is installed (${megabytes(await sizes(["web-app.js"]))}).`);
    // Nothing was downloaded twice.
    expect(releaseNames(h).sort()).toEqual(names);
  });

  it("downloads again only the local files that are incomplete or corrupted", async () => {
    const names = await engineFiles(MAIN_JS);
    const h = track.harness(await openHarness({ vault: await makeVault(), engine: "store" }));
    await installEngine(h.page, names, PLUGIN_DIR);
    h.server.requests.length = 0;
    await h.page.evaluate(async (dir) => {
      const { adapter } = window.lessonLabHarness.app.vault;
      const tf = await adapter.readBinary(`${dir}/engine-tfjs.js`);
      await adapter.writeBinary(`${dir}/engine-tfjs.js`, tf.slice(0, tf.byteLength >> 1)); // an interrupted copy
      const app = new Uint8Array(await adapter.readBinary(`${dir}/engine-app.js`));
      app[app.length >> 1] ^= 1; // one flipped bit
      await adapter.writeBinary(`${dir}/engine-app.js`, app.buffer);
    }, PLUGIN_DIR);
    await checkStartUp(h);
    await openPanelFromMenu(h);
    await h.page.waitForSelector(`${PANEL} .lesson-lab-label-row`, { timeout: 60_000 });
    expect(releaseNames(h).sort()).toEqual(["engine-app.js", "engine-tfjs.js"]);
    expect(await pluginFolder(h, names)).toEqual(await builtDigests(names));
  });

  it("refuses a corrupted download: nothing written, a message saying what to copy by hand", async () => {
    const names = await engineFiles(MAIN_JS);
    const release = track.folder(await mkdtemp(join(tmpdir(), "lesson-lab-release-")));
    for (const name of names) await cp(join(REPO_ROOT, name), join(release, name));
    const bad = Buffer.from(await readFile(join(release, "engine-app.js")));
    bad[100] ^= 1;
    await writeFile(join(release, "engine-app.js"), bad);
    const h = track.harness(await openHarness({ vault: await makeVault(), engine: "store", release }));
    await openPanelFromMenu(h);
    const error = h.page.locator(`${SHELL} .lesson-lab-error`);
    await error.waitFor({ timeout: 60_000 });
    const text = (await error.textContent()) ?? "";
    expect(text).toMatch(
      /^The classifier could not be loaded: Lesson Lab downloaded engine-app\.js from https:\/\/github\.com\/\S+\/engine-app\.js, but it is corrupted \(SHA-256 differs\): nothing was written\. Copy engine-app\.js, engine-mobilenet_v2\.bin, engine-tfjs-backend-wasm-simd\.wasm, engine-tfjs\.js \(\d+\.\d MB\) from https:\/\/github\.com\/\S+\/releases\/tag\/\d+\.\d+\.\d+\/ into the plugin's folder \(\.obsidian\/plugins\/lesson-lab\), then try again\.$/,
    );
    expect(await pluginFolder(h, names)).toEqual({});
    expect(await h.page.evaluate(() => window.lessonLabHarness.notices)).toContain(text.replace("The classifier could not be loaded: ", ""));
    // Unloading the plugin then frees nothing and throws nothing (closeChecked: no page error).
    await h.page.evaluate(() => window.lessonLabHarness.unloadPlugin());
    await h.page.waitForTimeout(200);
  });

  it("offline: a clear message, timestamps keep working, and files copied by hand are used without a download", async () => {
    const names = await engineFiles(MAIN_JS);
    const h = track.harness(await openHarness({ vault: await makeVault(), engine: "store", release: "offline" }));
    await checkStartUp(h);
    await openPanelFromMenu(h);
    const error = h.page.locator(`${SHELL} .lesson-lab-error`);
    await error.waitFor({ timeout: 60_000 });
    expect(await error.textContent()).toMatch(
      /^The classifier could not be loaded: Lesson Lab could not download [\w.-]+ from https:\/\/github\.com\/\S+ \(.+\)\. Offline\? Copy engine-app\.js, engine-mobilenet_v2\.bin, engine-tfjs-backend-wasm-simd\.wasm, engine-tfjs\.js \(\d+\.\d MB\) from \S+ into the plugin's folder \(\.obsidian\/plugins\/lesson-lab\), then try again\.$/,
    );
    expect(await pluginFolder(h, names)).toEqual({});
    const rendered = await h.renderNote("Lesson 2.md", { expectLinks: 2 });
    expect(rendered.links).toBeGreaterThanOrEqual(2);

    // The files copied by hand, then "Try again": the panel opens, nothing is downloaded.
    const tried = h.releaseRequests.length;
    await installEngine(h.page, names, PLUGIN_DIR);
    await h.page.locator(`${SHELL} button`, { hasText: "Try again" }).click();
    await h.page.waitForSelector(`${PANEL} .lesson-lab-label-row`, { timeout: 60_000 });
    expect(h.releaseRequests.length).toBe(tried);
  });

  it("refuses a corrupted web-app.js at the first export: nothing written, a message saying to copy it by hand", async () => {
    const names = await engineFiles(MAIN_JS);
    const release = track.folder(await mkdtemp(join(tmpdir(), "lesson-lab-release-")));
    for (const name of names) await cp(join(REPO_ROOT, name), join(release, name));
    const bad = Buffer.from(await readFile(join(release, "web-app.js")));
    bad[bad.length >> 1] ^= 1;
    await writeFile(join(release, "web-app.js"), bad);
    // A model folder to export (the runtime is read, and refused, before the model).
    const vault = await makeVault();
    await mkdir(join(vault, "Fashion.model"));
    await writeFile(join(vault, "Fashion.model", "metadata.json"), "{}\n");
    const h = track.harness(await openHarness({ vault, engine: "store", release }));
    const engine = classifierEngine(names);
    // The classifier's engine copied by hand: only the web app's runtime is missing.
    await installEngine(h.page, engine, PLUGIN_DIR);
    await keepModalsInPage(h.page);
    await h.page.evaluate(() => {
      const { app, obsidian } = window.lessonLabHarness;
      const folder = app.vault.getAbstractFileByPath("Fashion.model");
      const menu = obsidian.Menu.forEvent(new MouseEvent("contextmenu"));
      app.workspace.trigger("file-menu", menu, folder, "file-explorer");
      menu.menuItems__.find((i) => i.title__ === "Export as web app")!.onClick__!(new MouseEvent("click"));
    });
    await h.page.locator(`${MODAL} .lesson-lab-export-button`).click();
    const error = h.page.locator(`${MODAL} .lesson-lab-export-status .lesson-lab-error`);
    await error.waitFor({ timeout: 60_000 });
    expect(await error.textContent()).toMatch(
      /^Not exported: Lesson Lab downloaded web-app\.js from https:\/\/github\.com\/\S+\/web-app\.js, but it is corrupted \(SHA-256 differs\): nothing was written\. Copy web-app\.js \(\d+\.\d MB\) from https:\/\/github\.com\/\S+\/releases\/tag\/\d+\.\d+\.\d+\/ into the plugin's folder \(\.obsidian\/plugins\/lesson-lab\), then try again\.$/,
    );
    expect(releaseNames(h)).toEqual(["web-app.js"]);
    expect(await pluginFolder(h, names)).toEqual(await builtDigests(engine));
    expect(await h.page.evaluate(() => window.lessonLabHarness.app.vault.getAbstractFileByPath("Fashion web app"))).toBeNull();
  });
});

async function sizes(names: string[]): Promise<number> {
  let total = 0;
  for (const name of names) total += (await readFile(join(REPO_ROOT, name))).length;
  return total;
}

/** Bytes as the notices give them. */
const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function version(): Promise<string> {
  return (JSON.parse(await readFile(join(REPO_ROOT, "manifest.json"), "utf8")) as { version: string }).version;
}
