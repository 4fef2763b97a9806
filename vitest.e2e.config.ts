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
    fileParallelism: false,
  },
});
