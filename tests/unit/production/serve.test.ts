// `lesson-lab serve`: the HTTP API on a real model (a tiny vault backbone and head, with labels
// "cat", "dog" and "__proto__"), through real sockets. POST /predict equals `predict --json`;
// every kind of bad request gets its 4xx JSON {error} and the server keeps answering; 200
// requests from 8 concurrent clients all succeed and leave no tensor behind; a port in use and a
// public --host are said clearly; the CLI stops cleanly.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { setupTf, type Tf } from "../../../src/classifier/tf-setup";
import type { Classifier } from "../../../src/classifier/predict";
import { run as predictCli } from "../../../src/cli/predict";
import { run as serveCli } from "../../../src/cli/serve";
import { loadClassifierFromDisk, readBundleFromDisk } from "../../../src/production/node/model";
import { startServer, type RunningServer } from "../../../src/production/node/serve";
import { webAppFiles } from "../../../src/production/web-app";
import { writeNoisePngs, writeTinyClassifier, type TinyClassifier } from "../support/tiny-classifier";
import { captureIo } from "../support/capture-io";

const LABELS = ["cat", "dog", "__proto__"];

let tf: Tf;
let root = "";
let model: TinyClassifier;
let images: string[] = [];
let classifier: Classifier;
let server: RunningServer;
const runtime = "/* stand-in for the built runtime */ window.LessonLab = {};";

beforeAll(async () => {
  tf = (await setupTf()).tf;
  root = await mkdtemp(path.join(tmpdir(), "lesson-lab-serve-"));
  model = await writeTinyClassifier(tf, root, "pets", LABELS, [0.3, 0, 0.2]);
  images = await writeNoisePngs(path.join(root, "images"), 4, 21);
  const bundle = await readBundleFromDisk(model.modelFolder, "Pets");
  classifier = await loadClassifierFromDisk(model.modelFolder);
  server = await startServer({ port: 0, host: "127.0.0.1", files: webAppFiles(bundle, runtime), card: bundle.card, classify: (b) => classifier.predict(b) });
}, 60_000);

afterAll(async () => {
  await server?.close();
  classifier?.dispose();
  await rm(root, { recursive: true, force: true });
});

interface Answer {
  label: string;
  ranked: { label: string; probability: number }[];
  probabilities: Record<string, number>;
}

async function post(body: BodyInit | null, type: string | null, method = "POST", at = "predict"): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${server.url}${at}`, { method, body, headers: type ? { "Content-Type": type } : {} });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function stillAnswers(): Promise<void> {
  const res = await fetch(`${server.url}info`);
  expect(res.status).toBe(200);
  expect(((await res.json()) as { labels: string[] }).labels).toEqual(LABELS);
}

describe("lesson-lab serve", () => {
  it("GET / serves the web app's page, GET /info the model card", async () => {
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<script src="model.js"></script>');
    const js = await fetch(`${server.url}lesson-lab.js`);
    expect(await js.text()).toBe(runtime);
    const info = (await (await fetch(`${server.url}info`)).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ title: "Pets", labels: LABELS, accuracy: 0.75, backbone: "vault:tiny-backbone#gap", trainedAt: "2026-01-02T03:04:05.000Z" });
    expect(info.counts).toEqual([["cat", 10], ["dog", 11], ["__proto__", 12]]);
  });

  it("POST /predict (raw body or multipart field file) equals predict --json", async () => {
    const c = captureIo();
    expect(await predictCli([model.dataset, ...images, "--json"], c.io)).toBe(0);
    const expected = JSON.parse(c.out()) as Answer[];
    for (let i = 0; i < images.length; i++) {
      const bytes = await readFile(images[i]);
      const raw = await post(new Uint8Array(bytes), "image/png");
      expect(raw.status).toBe(200);
      const form = new FormData();
      form.append("note", "ignored");
      form.append("file", new Blob([new Uint8Array(bytes)], { type: "image/png" }), "x.png");
      const multipart = await post(form, null);
      expect(multipart.status).toBe(200);
      for (const answer of [raw.json, multipart.json] as unknown as Answer[]) {
        expect(Object.keys(answer)).toEqual(["label", "ranked", "probabilities"]);
        expect(answer.label).toBe(expected[i].label);
        expect(answer.ranked).toEqual(expected[i].ranked);
        expect(answer.probabilities).toEqual(expected[i].probabilities);
        expect(Object.getOwnPropertyDescriptor(answer.probabilities, "__proto__")?.value).toBe(answer.ranked.find((r) => r.label === "__proto__")?.probability);
      }
    }
  });

  it("answers bad requests with a 4xx JSON error and keeps answering", async () => {
    const text = new TextEncoder().encode("I am a text file, not a photo\n");
    const cases: [string, () => Promise<{ status: number; json: Record<string, unknown> }>, number, RegExp][] = [
      ["a text body", () => post(text, "text/plain"), 415, /Send an image/],
      ["a text file sent as an image", () => post(text, "image/png"), 422, /not a usable image \(not an image/],
      ["a text file in the form", () => {
        const form = new FormData();
        form.append("file", new Blob([text], { type: "text/plain" }), "notes.txt");
        return post(form, null);
      }, 422, /not a usable image/],
      ["a form without field file", () => {
        const form = new FormData();
        form.append("image", new Blob([text]), "x.png");
        return post(form, null);
      }, 400, /no file field named "file"/],
      ["an empty body", () => post(new Uint8Array(0), "image/png"), 400, /empty/],
      ["a 50 MB body", () => post(new Uint8Array(50 * 1024 * 1024), "image/png"), 413, /over 20 MB/],
      ["a 50 MB file in a form", () => {
        const form = new FormData();
        form.append("file", new Blob([new Uint8Array(50 * 1024 * 1024)]), "big.png");
        return post(form, null);
      }, 413, /over 20 MB/],
      ["GET /predict", () => post(null, null, "GET"), 405, /Use POST/],
      ["DELETE /info", () => post(null, null, "DELETE", "info"), 405, /Use GET/],
      ["an unknown path", () => post(null, null, "GET", "admin"), 404, /Nothing at \/admin/],
      ["a path outside", () => post(null, null, "GET", "..%2F..%2Fetc%2Fpasswd"), 404, /Nothing at/],
    ];
    for (const [what, send, status, error] of cases) {
      const answer = await send();
      expect(answer.status, what).toBe(status);
      expect(Object.keys(answer.json), what).toEqual(["error"]);
      expect(String(answer.json.error), what).toMatch(error);
      await stillAnswers();
    }
  });

  it("200 requests from 8 concurrent clients all succeed and free every tensor", async () => {
    const bytes = new Uint8Array(await readFile(images[0]));
    await post(bytes, "image/png");
    const baseline = tf.memory().numTensors;
    let next = 0;
    const statuses: number[] = [];
    const labels = new Set<string>();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < 200) {
          next++;
          const answer = await post(bytes, "image/png");
          statuses.push(answer.status);
          labels.add(String(answer.json.label));
        }
      }),
    );
    expect(statuses).toHaveLength(200);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(labels.size).toBe(1);
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it("says clearly when the port is in use, and when the folder holds no model", async () => {
    const c = captureIo();
    expect(await serveCli([model.dataset, "--port", String(server.port)], c.io)).toBe(1);
    expect(c.err()).toBe(`lesson-lab serve: port ${server.port} on 127.0.0.1 is in use (another server, or another \`lesson-lab serve\`); choose another with --port\n`);
    const d = captureIo();
    expect(await serveCli([path.join(root, "images"), "--port", "0"], d.io)).toBe(1);
    expect(d.err()).toMatch(/^lesson-lab serve: no trained model at ".*images" \(looked for metadata\.json in it and in ".*images\.model"\)/);
    const e = captureIo();
    expect(await serveCli([model.dataset, "--port", "70000"], e.io)).toBe(2);
    expect(e.err()).toMatch(/--port must be a whole number from 0 to 65535; got 70000/);
  });

  it("the CLI serves until stopped, warns loudly off loopback, then stops cleanly", async () => {
    const stop = new AbortController();
    const c = captureIo();
    let url = "";
    const done = serveCli([model.dataset, "--port", "0", "--host", "0.0.0.0"], c.io, {
      signal: stop.signal,
      onListening: (u) => {
        url = u;
        stop.abort();
      },
    });
    expect(await done).toBe(0);
    expect(url).toMatch(/^http:\/\/0\.0\.0\.0:\d+\/$/);
    expect(c.err()).toContain("WARNING: listening on 0.0.0.0: anyone who can reach this machine");
    expect(c.out()).toMatch(/^Serving "pets classifier" at http:\/\/0\.0\.0\.0:\d+\/ /);
    expect(c.err()).toMatch(/Stopped\.\n$/);
  });
});
