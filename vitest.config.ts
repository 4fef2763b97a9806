import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import SlowFirstSequencer from "./tests/unit/support/sequencer";

// Unit and DOM tests. `obsidian` (types only on npm) is replaced by the
// obsidian-test-mocks stand-in, extended in tests/standin/ where it falls short.
export default defineConfig({
  resolve: {
    alias: { obsidian: fileURLToPath(new URL("./tests/standin/obsidian.ts", import.meta.url)) },
  },
  test: {
    include: ["tests/unit/**/*.test.ts"],
    setupFiles: ["tests/standin/setup.ts"],
    // The built CLI, for the tests that run the `lesson-lab` bin as users do.
    globalSetup: ["tests/unit/support/build-cli.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Vitest's default is one worker less than the cores: one worker on a 2-core machine, where
    // the files then run one after another and half the machine idles. Two at least.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Without timings from an earlier run, the slow files first (tests/unit/support/sequencer.ts).
    sequence: { sequencer: SlowFirstSequencer },
  },
});
