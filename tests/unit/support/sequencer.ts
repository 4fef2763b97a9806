// The order of the unit test files. Vitest runs first the files it has timings for, longest first,
// and without timings (a fresh clone: the timings live in node_modules/.vite) the largest files
// first. On 2 workers that can leave the backbone-training files, which are short to read, for the
// end, where one of them runs alone while the other worker idles (about 15% of the unit step,
// measured). Without timings, the files that train, run the CLI or check properties go first.
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** What the slow files call: the real backbone, training, the built CLI, child processes, fast-check. */
const SLOW = /\b(?:loadBackbone|openBackbone|trainClassifier|trainOnDisk|runBin|spawn|fc\.assert)\(/;

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const timed = files.every((f) => this.ctx.cache.getFileTestResults(`${f.project.name}:${relative(this.ctx.config.root, f.moduleId)}`));
    if (timed) return sorted;
    const slow = (f: TestSpecification): boolean => SLOW.test(readFileSync(f.moduleId, "utf8"));
    return [...sorted.filter(slow), ...sorted.filter((f) => !slow(f))];
  }
}
