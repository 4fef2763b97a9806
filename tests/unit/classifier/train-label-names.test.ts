// Label folders whose names are also Object.prototype's keys ("__proto__", "constructor") or
// integers ("10", "2") train, save, load and predict like any other name.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { setupTf } from "../../../src/classifier/tf-setup";
import { scanDataset } from "../../../src/classifier/dataset";
import { trainClassifier } from "../../../src/classifier/pipeline";
import { loadModel } from "../../../src/classifier/model-io";
import { Classifier, probabilitiesObject } from "../../../src/classifier/predict";
import { createFsStore } from "../../../src/node/fs-store";
import { createSharpDecoder } from "../../../src/node/decode-sharp";
import { fakeBackbone, noisyImage } from "./train-helpers";

// A Map: an object literal would take "__proto__" as the prototype.
const LABELS = new Map<string, [number, number, number]>([
  ["__proto__", [220, 40, 40]],
  ["constructor", [40, 200, 60]],
  ["10", [40, 60, 220]],
  ["2", [230, 220, 40]],
]);
let root = "";

beforeAll(async () => {
  await setupTf({ backends: ["cpu"] });
  root = await mkdtemp(path.join(tmpdir(), "lesson-lab-labels-"));
  for (const [li, [label, colour]] of [...LABELS].entries()) {
    await mkdir(path.join(root, "odd", label), { recursive: true });
    // "constructor" gets one image more, so counts differ per label.
    const n = label === "constructor" ? 9 : 8;
    for (let i = 0; i < n; i++) await writeFile(path.join(root, "odd", label, `${i}.png`), await noisyImage(colour, 100 * li + i + 1));
  }
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const own = (o: object, key: string): unknown => Object.getOwnPropertyDescriptor(o, key)?.value;

describe("labels named like Object.prototype keys or numbers", () => {
  it("are scanned with their counts", async () => {
    const scan = await scanDataset(createFsStore(root), "odd");
    expect(scan.error).toBeNull();
    expect(scan.labels).toEqual(["10", "2", "__proto__", "constructor"]);
    expect(scan.items).toHaveLength(33);
    for (const label of scan.labels) expect(own(scan.counts, label)).toBe(label === "constructor" ? 9 : 8);
    expect(Object.keys(scan.counts).sort()).toEqual([...scan.labels].sort());
    expect(JSON.parse(JSON.stringify(scan.counts)) as unknown).toEqual(JSON.parse('{"10":8,"2":8,"__proto__":8,"constructor":9}'));
  });

  it("train, save metadata.json, load and predict", async () => {
    const store = createFsStore(root);
    const backbone = fakeBackbone();
    const result = await trainClassifier({ store, folder: "odd", decoder: createSharpDecoder(), backbone, cacheFolder: null, options: { epochs: 20, lr: 1e-2, standardize: true } });
    expect(result.error).toBeNull();
    expect(result.labels).toEqual(["10", "2", "__proto__", "constructor"]);
    expect(own(result.counts, "__proto__")).toBe(8);
    expect(own(result.counts, "constructor")).toBe(9);

    const written = JSON.parse(await readFile(path.join(root, "odd.model", "metadata.json"), "utf8")) as { counts: object; labels: string[] };
    expect(written.labels).toEqual(["10", "2", "__proto__", "constructor"]);
    expect(Object.keys(written.counts).sort()).toEqual(["10", "2", "__proto__", "constructor"]);
    expect(own(written.counts, "__proto__")).toBe(8);

    const model = await loadModel(store, "odd.model");
    expect(model.metadata.labels).toEqual(["10", "2", "__proto__", "constructor"]);
    expect(own(model.metadata.counts, "__proto__")).toBe(8);
    expect(own(model.metadata.counts, "constructor")).toBe(9);
    // A label the model does not have is absent, not Object.prototype's property.
    expect("toString" in model.metadata.counts).toBe(false);
    expect("hasOwnProperty" in model.metadata.counts).toBe(false);

    const classifier = new Classifier(model, backbone, createSharpDecoder());
    const red = await classifier.predict(await noisyImage([220, 40, 40], 424242));
    expect(red.label).toBe("__proto__");
    expect(own(probabilitiesObject(red.ranked), "__proto__")).toBeCloseTo(red.ranked[0].probability, 6);
    classifier.dispose();
  });
});
