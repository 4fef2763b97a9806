import { defineConfig } from "vitest/config";

// Browser tests: playwright-core drives Debian's Chromium on the built bundle.
export default defineConfig({
  test: {
    include: ["tests/e2e/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: "forks",
    fileParallelism: false,
  },
});
