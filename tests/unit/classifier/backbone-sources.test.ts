// Backbones from files: a tfjs LayersModel folder in the vault ("vault:<folder>#<layer>"),
// and the ImageNet MobileNet downloaded once (through an injected fetchBinary) into a
// cache folder, tested against a loopback HTTP server serving a tiny model.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { loadBackbone } from "../../../src/classifier/backbone";
import { IMAGENET_MOBILENET, loadCachedRemoteModel } from "../../../src/classifier/backbones/remote";
import { setupTf, type Tf } from "../../../src/classifier/tf-setup";
import { createFsStore, type FsStore } from "../../../src/node/fs-store";
import { fetchBinaryNode } from "../../../src/node/fetch-binary";
import { randomImages, saveModelFiles, tinyModel, writeModelFolder } from "../support/classifier-backbone-fixtures";

let tf: Tf;
let dir: string;
let store: FsStore;
let files: { json: string; shard: Uint8Array };
let server: Server;
let base: string;
const requests: string[] = [];
/** path → how the server answers it. */
const routes = new Map<string, { status: number; body: Uint8Array | string }>();

beforeAll(async () => {
  ({ tf } = await setupTf({ backends: ["wasm"] }));
  dir = await mkdtemp(path.join(tmpdir(), "lesson-lab-backbone-"));
  store = createFsStore(dir);
  const model = tinyModel(tf, 16, 21);
  files = await saveModelFiles(tf, model);
  model.dispose();
  server = createServer((req, res) => {
    requests.push(req.url ?? "");
    const route = routes.get(req.url ?? "");
    res.statusCode = route?.status ?? 404;
    res.end(route ? route.body : "not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

describe("vault:<folder>#<layer>", () => {
  it("loads a LayersModel folder through the FileStore and embeds at the named layer", async () => {
    await store.mkdir("models/tiny");
    await store.writeText("models/tiny/model.json", files.json);
    await store.writeBinary("models/tiny/group1-shard1of1.bin", files.shard);
    const before = tf.memory().numTensors;
    const bb = await loadBackbone("vault:models/tiny#gap", { store });
    expect(bb.inputSize).toBe(16);
    expect(bb.dim).toBe(12);
    expect(bb.folded).toBe(true);
    const images = randomImages(3, 16, 5);
    const a = await bb.embed(images);

    // Same numbers as tfjs's own loader + predict, with the same 0..1 scaling.
    const ref = await tf.loadLayersModel({ load: async () => (await import("../../../src/classifier/backbones/artifacts")).readModelFolder(store, "models/tiny") });
    const trunc = tf.model({ inputs: ref.inputs, outputs: ref.getLayer("gap").output });
    const x = tf.tensor4d(Float32Array.from(images.flatMap((im) => Array.from(im.data, (v) => v / 255))), [3, 16, 16, 3]);
    const y = trunc.predict(x) as import("@tensorflow/tfjs").Tensor;
    const expected = y.arraySync() as number[][];
    tf.dispose([x, y]);
    ref.dispose();
    for (let i = 0; i < 3; i++) for (let k = 0; k < 12; k++) expect(a[i][k]).toBeCloseTo(expected[i][k], 4);

    // Two layers: pooled 4-d output + 2-d output, concatenated.
    const two = await loadBackbone("vault:models/tiny#out_relu+emb", { store });
    expect(two.dim).toBe(12 + 5);
    const b = await two.embed(images.slice(0, 1));
    for (let k = 0; k < 12; k++) expect(b[0][k]).toBeCloseTo(Math.min(6, Math.max(0, a[0][k])), 4);
    two.dispose();
    bb.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("falls back to the LayersModel when a layer cannot be folded", async () => {
    await writeModelFolder(tf, store, "models/leaky", tinyModel(tf, 16, 4, { leaky: true }));
    const bb = await loadBackbone("vault:models/leaky#emb", { store });
    expect(bb.folded).toBe(false);
    const [v] = await bb.embed(randomImages(1, 16, 2));
    expect(v).toHaveLength(5);
    bb.dispose();
  });

  it("explains missing folders, files and layers", async () => {
    await expect(loadBackbone("vault:models/none#gap", { store })).rejects.toThrow(/No model.json in "models\/none"/);
    await store.mkdir("models/noshard");
    await store.writeText("models/noshard/model.json", files.json);
    await expect(loadBackbone("vault:models/noshard#gap", { store })).rejects.toThrow(/weight file "group1-shard1of1.bin" is missing/);
    await expect(loadBackbone("vault:models/tiny#nope", { store })).rejects.toThrow(/no layer "nope"/);
    await store.mkdir("models/badjson");
    await store.writeText("models/badjson/model.json", "{ not json");
    await expect(loadBackbone("vault:models/badjson#gap", { store })).rejects.toThrow(/not valid JSON/);
    await expect(loadBackbone("vault:models/tiny#gap")).rejects.toThrow(/needs a store/);
  });
});

describe("downloaded once, then cached", () => {
  const modelsDir = "config/plugins/lesson-lab/models"; // <configDir>/plugins/lesson-lab/models in the app

  it("imagenet-mobilenet: downloads model.json and its shard once; the second load makes no request", async () => {
    // The real URL's folder is served by the loopback server.
    const realBase = IMAGENET_MOBILENET.url.slice(0, IMAGENET_MOBILENET.url.lastIndexOf("/") + 1);
    routes.set("/tm/model.json", { status: 200, body: files.json });
    routes.set("/tm/group1-shard1of1.bin", { status: 200, body: files.shard });
    const fetchBinary = (url: string) => fetchBinaryNode(url.replace(realBase, `${base}/tm/`));
    requests.length = 0;
    const first = await loadBackbone("imagenet-mobilenet", { store, modelsDir, fetchBinary });
    expect(requests).toEqual(["/tm/model.json", "/tm/group1-shard1of1.bin"]);
    expect(first.dim).toBe(12); // global average pool of "out_relu"
    const images = randomImages(2, 16, 8);
    const a = await first.embed(images);
    first.dispose();
    const cached = `${modelsDir}/${IMAGENET_MOBILENET.cacheName}`;
    expect((await readdir(path.join(dir, cached))).sort()).toEqual(["group1-shard1of1.bin", "model.json"]);

    requests.length = 0;
    const second = await loadBackbone("imagenet-mobilenet", { store, modelsDir, fetchBinary });
    expect(requests).toEqual([]);
    expect(await second.embed(images)).toEqual(a);
    second.dispose();
  });

  it("a 404 gives a clear error and leaves no cache", async () => {
    requests.length = 0;
    await expect(loadCachedRemoteModel(store, modelsDir, "missing", `${base}/nothing/model.json`, fetchBinaryNode)).rejects.toThrow(
      /Could not download http:\/\/127\.0\.0\.1:\d+\/nothing\/model\.json: HTTP 404/,
    );
    expect(await store.exists(`${modelsDir}/missing`)).toBe(false);
  });

  it("a truncated shard gives a clear error and leaves no partial cache", async () => {
    routes.set("/short/model.json", { status: 200, body: files.json });
    routes.set("/short/group1-shard1of1.bin", { status: 200, body: files.shard.subarray(0, files.shard.length - 100) });
    await expect(loadCachedRemoteModel(store, modelsDir, "short", `${base}/short/model.json`, fetchBinaryNode)).rejects.toThrow(
      /weight files hold \d+ bytes but model.json describes \d+ \(truncated/,
    );
    const left = (await readdir(path.join(dir, modelsDir))).filter((n) => n.startsWith("short"));
    expect(left).toEqual([]);
  });

  it("a shard that 404s gives a clear error and leaves no partial cache", async () => {
    routes.set("/halfway/model.json", { status: 200, body: files.json });
    await expect(loadCachedRemoteModel(store, modelsDir, "halfway", `${base}/halfway/model.json`, fetchBinaryNode)).rejects.toThrow(
      /group1-shard1of1\.bin: HTTP 404/,
    );
    const left = (await readdir(path.join(dir, modelsDir))).filter((n) => n.startsWith("halfway"));
    expect(left).toEqual([]);
  });

  it("an HTML page instead of model.json is reported as such", async () => {
    routes.set("/html/model.json", { status: 200, body: "<html>sign in</html>" });
    await expect(loadCachedRemoteModel(store, modelsDir, "html", `${base}/html/model.json`, fetchBinaryNode)).rejects.toThrow(/not valid JSON/);
  });
});
