import { defineConfig } from "vitest/config";

// Browser tests: playwright-core drives Debian's Chromium on the built bundle.
export default defineConfig({
  test: {
    include: ["tests/e2e/**/*.test.ts"],
    // One Chromium per test file, a fresh context per harness (tests/e2e/harness/setup.ts).
    setupFiles: ["tests/e2e/harness/setup.ts"],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: "forks",
    // The stand-in bundle, built once before the files run (they may run at the same time).
    globalSetup: ["tests/e2e/harness/global-setup.ts"],
    // Two files at a time: a browser test keeps about two thirds of one core busy on average
    // (Chromium's renderer, the page's wasm training on one thread, the Node side mostly waiting),
    // so one at a time left this 2-core machine more than half idle.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
