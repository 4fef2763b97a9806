// findIssues takes its backbone-dependent defaults from the input itself, so every caller
// (CLI, pane, panel hand-over) gets the settings measured for the features it holds.
import { beforeAll, describe, expect, it } from "vitest";
import { setupTf } from "../../../src/classifier/tf-setup";
import { findIssues, type CleanInput } from "../../../src/cleaner/find";
import { seededRandom } from "../../../src/shared/random";

function input(backbone?: string): CleanInput {
  const random = seededRandom(7);
  const items = [];
  for (const [li, label] of ["a", "b"].entries()) {
    for (let i = 0; i < 10; i++) {
      const embedding = Float32Array.from({ length: 8 }, (_, d) => (d === li ? 3 : 0) + random());
      items.push({ path: `ds/${label}/${i}.png`, label, split: i < 8 ? ("train" as const) : ("valid" as const), hash: `${label}${i}`, embedding });
    }
  }
  return { labels: ["a", "b"], items, backbone };
}

beforeAll(async () => {
  await setupTf();
});

describe("findIssues and the input's backbone", () => {
  it("uses the thresholds measured for the input's backbone, unless an option says otherwise", async () => {
    const fast = { folds: 2, epochs: 2 };
    expect((await findIssues(input("mobilenet_v2-nsfwjs"), fast)).nearDuplicateThreshold).toBe(0.97);
    expect((await findIssues(input("mobilenet_v2-nsfwjs#block_13_expand_relu"), fast)).nearDuplicateThreshold).toBe(0.985);
    expect((await findIssues(input("mobilenet_v2-nsfwjs"), { ...fast, backbone: "mobilenet_v2-nsfwjs#block_13_expand_relu" })).nearDuplicateThreshold).toBe(0.985);
    expect((await findIssues(input("mobilenet_v2-nsfwjs"), { ...fast, nearDuplicateThreshold: 0.9 })).nearDuplicateThreshold).toBe(0.9);
  });
});
