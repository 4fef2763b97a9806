// QA 1, finding 1: when onnxruntime cannot load (or a backbone does not convert), `train` and
// `clean` fall back to tfjs. They must say so: a warning on stderr naming the reason, and with
// --json an `engine` field plus the same warning in `warnings`. The engine loader is replaced by
// one that loads the real tfjs backbone and reports a fallback, as node-backbone.ts does when
// onnxruntime-node's binary is missing.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cp, mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { captureIo } from "../support/capture-io";

const REASON = "Cannot find module 'onnxruntime_binding.node' (test)";

vi.mock("../../../src/node/onnx/node-backbone", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../../src/node/onnx/node-backbone")>();
  const { loadBackbone } = await import("../../../src/classifier/backbone");
  return {
    ...original,
    loadNodeBackbone: async (id: string, opts: object) => ({ backbone: await loadBackbone(id, opts), engine: "tfjs", fallbackReason: REASON }),
  };
});

const { run: train } = await import("../../../src/cli/train");
const { run: clean } = await import("../../../src/cli/clean");

let work = "";
beforeAll(async () => {
  work = await realpath(await mkdtemp(path.join(tmpdir(), "lesson-lab-engine-")));
  await cp(path.resolve(__dirname, "../../fixtures/cli-dataset/bears"), path.join(work, "bears"), { recursive: true });
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const COMMON = ["--backbone", "mobilenet_v2-nsfwjs", "--no-cache"];

describe("a fallback from onnxruntime to tfjs is reported", () => {
  it("train: on stderr, and in --json as engine and a warning", async () => {
    const c = captureIo();
    const code = await train([path.join(work, "bears"), "--epochs", "1", "--no-save", "--json", ...COMMON], c.io);
    expect(code, c.err()).toBe(0);
    expect(c.err()).toMatch(/warning: embedding with tfjs .*onnxruntime unavailable: Cannot find module 'onnxruntime_binding\.node' \(test\)/);
    const json = JSON.parse(c.out()) as { engine: string; warnings: string[]; labels: string[] };
    expect(json.engine).toBe("tfjs");
    expect(json.warnings.some((w) => w.includes(REASON))).toBe(true);
    expect(json.labels).toEqual(["black", "grizzly", "teddy"]);
  }, 120_000);

  it("train: in the text report too", async () => {
    const c = captureIo();
    const code = await train([path.join(work, "bears"), "--epochs", "1", "--no-save", ...COMMON], c.io);
    expect(code, c.err()).toBe(0);
    expect(c.err()).toContain(REASON);
    expect(c.out()).toContain(`warning: embedding with tfjs`);
  }, 120_000);

  it("clean: on stderr, and in --json as engine and a warning", async () => {
    const c = captureIo();
    const code = await clean([path.join(work, "bears"), "--folds", "2", "--json", ...COMMON], c.io);
    expect(code, c.err()).toBe(0);
    expect(c.err()).toContain(`lesson-lab clean: warning: embedding with tfjs`);
    const json = JSON.parse(c.out()) as { engine: string; warnings: string[] };
    expect(json.engine).toBe("tfjs");
    expect(json.warnings.some((w) => w.includes(REASON))).toBe(true);
  }, 120_000);
});
