// The exported web app in a real browser: the demo model (demo-vault/Fashion, trained here by the
// CLI) exported by `lesson-lab export`, opened in Chromium straight from disk (file://) and from a
// static server on 127.0.0.1. Images go in through the page's file input, and through the ES
// module's classify() (Blob, <img>, ImageBitmap, URL); every label and probability must equal
// `lesson-lab predict --json` on the same files to 1e-4, and the page must request nothing from
// any other origin.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { pathToFileURL } from "node:url";
import sharp from "sharp";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, CHROMIUM_ARGS, DEMO_VAULT, REPO_ROOT } from "./harness";
import { run as trainCli } from "../../src/cli/train";
import { run as exportCli } from "../../src/cli/export";
import { run as predictCli } from "../../src/cli/predict";

interface Ranked {
  label: string;
  probability: number;
}
interface Expected {
  label: string;
  ranked: Ranked[];
}

const LABELS = ["Ankle boot", "Bag", "Sneaker", "T-shirt_top", "Trouser"];
const PICKS = ["Trouser/00016.png", "Bag/00178.png", "Sneaker/00022.png", "Ankle boot/00011.png", "T-shirt_top/00004.png"];

let root = "";
let app = "";
let images: string[] = [];
const expected = new Map<string, Expected>();
let context: BrowserContext | null = null;
let server: http.Server | null = null;
let origin = "";

function quiet(): { out: (t: string) => void; err: (t: string) => void; text: () => string } {
  let text = "";
  return { out: (t) => (text += t), err: () => undefined, text: () => text };
}

async function firstExisting(folder: string, names: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const n of names) {
    const label = n.split("/")[0];
    const candidates = [n, ...(await import("node:fs/promises").then((fs) => fs.readdir(join(folder, label)))).map((f) => `${label}/${f}`)];
    for (const c of candidates) {
      try {
        await readFile(join(folder, c));
        out.push(c);
        break;
      } catch {
        // next
      }
    }
  }
  return out;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "lesson-lab-web-app-"));
  await cp(join(DEMO_VAULT, "Fashion"), join(root, "Fashion"), { recursive: true });
  expect(await trainCli([join(root, "Fashion"), "--epochs", "3", "--no-augment"], quiet())).toBe(0);
  app = join(root, "Fashion web app");
  const exported = quiet();
  expect(await exportCli([join(root, "Fashion"), "--out", app, "--json"], exported)).toBe(0);
  expect(JSON.parse(exported.text())).toMatchObject({ out: app, files: ["index.html", "lesson-lab.js", "model.js", "lesson-lab.mjs", "model-card.json", "README.md"] });

  // Test images outside the dataset: five PNGs (one per label), a JPEG and a PNG with alpha.
  const imagesDir = join(root, "images");
  await mkdir(imagesDir);
  const picked = await firstExisting(join(DEMO_VAULT, "Fashion"), PICKS);
  for (const p of picked) {
    const to = join(imagesDir, p.replace("/", "-").replace(/ /g, "_"));
    await cp(join(DEMO_VAULT, "Fashion", p), to);
    images.push(to);
  }
  const big = await sharp(join(DEMO_VAULT, "Fashion", picked[0])).resize(300, 200).jpeg({ quality: 90 }).toBuffer();
  await writeFile(join(imagesDir, "trouser-300x200.jpg"), big);
  images.push(join(imagesDir, "trouser-300x200.jpg"));
  const rgba = await sharp(join(DEMO_VAULT, "Fashion", picked[1])).resize(64, 48).ensureAlpha(0.5).png().toBuffer();
  await writeFile(join(imagesDir, "bag-half-transparent.png"), rgba);
  images.push(join(imagesDir, "bag-half-transparent.png"));

  const predicted = quiet();
  expect(await predictCli([join(root, "Fashion"), ...images, "--json"], predicted)).toBe(0);
  for (const row of JSON.parse(predicted.text()) as ({ image: string } & Expected)[]) expected.set(row.image.split("/").pop()!, { label: row.label, ranked: row.ranked });

  context = await chromium.launchPersistentContext(await mkdtemp(join(tmpdir(), "lesson-lab-chromium-")), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1100, height: 1400 },
  });

  // A plain static server for the exported folder (and the test images under /images/).
  server = http.createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const file = path === "/" ? join(app, "index.html") : path.startsWith("/images/") ? join(imagesDir, path.slice(8)) : join(app, path.slice(1));
    const types: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json", ".png": "image/png", ".jpg": "image/jpeg", ".md": "text/markdown" };
    readFile(file).then(
      (body) => {
        res.writeHead(200, { "Content-Type": types[extname(file)] ?? "application/octet-stream" });
        res.end(body);
      },
      () => {
        res.writeHead(404);
        res.end();
      },
    );
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 240_000);

afterAll(async () => {
  await context?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (root) await rm(root, { recursive: true, force: true });
});

/** Opens `url` with every request outside `allowed` aborted and listed. */
async function openPage(url: string, allowed: (u: string) => boolean): Promise<{ page: Page; outside: string[]; errors: string[] }> {
  const page = await context!.newPage();
  const outside: string[] = [];
  const errors: string[] = [];
  await page.route("**/*", (route) => {
    const u = route.request().url();
    if (allowed(u)) return route.continue();
    outside.push(u);
    return route.abort("blockedbyclient");
  });
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.goto(url);
  await page.waitForSelector("#lesson-lab-app.is-ready, .ll-status.ll-error", { timeout: 120_000 });
  return { page, outside, errors };
}

/**
 * The page's prediction equals predict's: same label, same ranking, each probability within 1e-4.
 * Half-transparent pixels are the one exception: the browser composites them on white in its
 * canvas (8-bit premultiplied), one level off the CLI's libvips for about half of the values,
 * which moves probabilities by up to about 1e-2; the label must still agree.
 */
function expectSame(name: string, got: Expected): void {
  const want = expected.get(name);
  expect(want, name).toBeDefined();
  expect(got.label, name).toBe(want!.label);
  if (name.includes("transparent")) {
    for (const r of got.ranked) expect(Math.abs(r.probability - want!.ranked.find((w) => w.label === r.label)!.probability), `${name} ${r.label}`).toBeLessThan(2e-2);
    return;
  }
  expect(got.ranked.map((r) => r.label), name).toEqual(want!.ranked.map((r) => r.label));
  got.ranked.forEach((r, i) => expect(Math.abs(r.probability - want!.ranked[i].probability), `${name} ${r.label}`).toBeLessThan(1e-4));
}

async function pagePredictions(page: Page, files: string[]): Promise<Map<string, Expected & { shown: string[] }>> {
  await page.setInputFiles("input.ll-file", files);
  await page.waitForFunction((n) => document.querySelectorAll(".ll-result.is-done").length >= n, files.length, { timeout: 120_000 });
  const rows = await page.$$eval(".ll-result", (items) =>
    items.map((item) => ({
      name: (item as HTMLElement).dataset.name ?? "",
      label: item.querySelector(".ll-label")?.textContent ?? "",
      error: item.querySelector(".ll-error")?.textContent ?? null,
      ranked: [...item.querySelectorAll<HTMLElement>(".ll-bar-row")].map((r) => ({ label: r.dataset.label ?? "", probability: Number(r.dataset.probability) })),
      shown: [...item.querySelectorAll(".ll-bar-value")].map((v) => v.textContent ?? ""),
    })),
  );
  return new Map(rows.map((r) => [r.name, r]));
}

describe("exported web app in Chromium", () => {
  it("opened from disk: file input, predictions equal predict --json, model card, nothing fetched", async () => {
    const url = pathToFileURL(join(app, "index.html")).href;
    const { page, outside, errors } = await openPage(url, (u) => u.startsWith("file://") || u.startsWith("blob:") || u.startsWith("data:"));
    expect(await page.textContent(".ll-status")).toBe("Ready (tfjs on wasm).");
    const got = await pagePredictions(page, images);
    expect(got.size).toBe(images.length);
    for (const [name, row] of got) {
      expect(row).not.toHaveProperty("error", expect.any(String));
      expectSame(name, row);
      expect(row.shown).toEqual(row.ranked.map((r) => `${(r.probability * 100).toFixed(1)}%`));
    }
    // The model card: labels, counts, accuracy, confusion matrix, backbone, date.
    const facts: Record<string, string | null> = await page.$$eval("dd[data-fact]", (dds) => Object.fromEntries(dds.map((d) => [(d as HTMLElement).dataset.fact ?? "", d.textContent])));
    expect(facts.Labels).toBe(LABELS.join(", "));
    const meta = JSON.parse(await readFile(join(root, "Fashion.model", "metadata.json"), "utf8")) as {
      counts: Record<string, number>;
      metrics: { accuracy: number; valid_count: number; confusion: { matrix: number[][] } };
    };
    expect(facts["Validation accuracy"]).toBe(`${(meta.metrics.accuracy * 100).toFixed(1)}% of ${meta.metrics.valid_count} images`);
    expect(facts.Backbone).toBe("mobilenet_v2-nsfwjs#block_13_expand_relu");
    expect(facts.Trained).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
    expect(await page.$$eval(".ll-counts tbody tr", (rows) => rows.map((r) => r.textContent))).toEqual(LABELS.map((l) => `${l}${meta.counts[l]}`));
    const cells = await page.$$eval(".ll-confusion tbody td", (tds) => tds.map((t) => Number(t.textContent)));
    expect(cells).toEqual(meta.metrics.confusion.matrix.flat());
    expect(cells.reduce((a, b) => a + b, 0)).toBe(meta.metrics.valid_count);
    await page.screenshot({ path: join(REPO_ROOT, "artifacts", "web-app-file.png"), fullPage: true });
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("served from 127.0.0.1: the page and the ES module's classify() (Blob, <img>, ImageBitmap, URL) equal predict --json", async () => {
    const { page, outside, errors } = await openPage(`${origin}/`, (u) => u.startsWith(`${origin}/`) || u.startsWith("blob:") || u.startsWith("data:"));
    const got = await pagePredictions(page, images.slice(0, 3));
    for (const [name, row] of got) expectSame(name, row);

    const names = images.map((p) => p.split("/").pop()!);
    // The module as another page would import it (a module script; the test's own code is not one).
    await page.addScriptTag({ type: "module", content: `import * as m from "${origin}/lesson-lab.mjs"; window.lessonLabModule = m;` });
    await page.waitForFunction(() => "lessonLabModule" in window);
    const viaModule = await page.evaluate(async (files) => {
      const m = (window as unknown as { lessonLabModule: unknown }).lessonLabModule as {
        load(): Promise<unknown>;
        classify(image: unknown): Promise<{ label: string; ranked: { label: string; probability: number }[] }>;
        card(): Promise<{ labels: string[] }>;
      };
      await m.load();
      const out: Record<string, unknown> = {};
      for (const name of files) {
        const url = `/images/${encodeURIComponent(name)}`;
        const blob = await (await fetch(url)).blob();
        const img = new Image();
        img.src = url;
        await img.decode();
        const bitmap = await createImageBitmap(blob);
        out[name] = {
          blob: await m.classify(blob),
          img: await m.classify(img),
          bitmap: await m.classify(bitmap),
          url: await m.classify(url),
        };
      }
      const bad = await m.classify(new Blob(["not an image"])).then(
        () => "no error",
        (e: Error) => e.message,
      );
      return { out, labels: (await m.card()).labels, bad };
    }, names);
    expect(viaModule.labels).toEqual(LABELS);
    expect(viaModule.bad).toMatch(/not an image/);
    for (const name of names) {
      const byKind = viaModule.out[name] as Record<string, Expected>;
      for (const kind of ["blob", "url"]) expectSame(name, byKind[kind]);
      // An <img> and an ImageBitmap were decoded by the browser without the file's bytes: EXIF
      // and alpha are the browser's, so only PNGs without alpha are held to 1e-4.
      if (!name.includes("transparent") && name.endsWith(".png")) for (const kind of ["img", "bitmap"]) expectSame(name, byKind[kind]);
      else for (const kind of ["img", "bitmap"]) expect(byKind[kind].label).toBe(expected.get(name)!.label);
    }
    await page.screenshot({ path: join(REPO_ROOT, "artifacts", "web-app-served.png"), fullPage: true });
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
