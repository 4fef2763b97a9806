// ESLint flat config: eslint-plugin-obsidianmd's recommended set (type-aware),
// applied to the plugin and to the tests, CLI and benchmarks that share its code.
import { defineConfig, globalIgnores } from "eslint/config";
import obsidianmd from "eslint-plugin-obsidianmd";
import globals from "globals";

export default defineConfig([
  globalIgnores([
    "node_modules/",
    "main.js",
    "web-app.js",
    "engine-*",
    "dist/",
    "demo-vault/",
    "tests/e2e/.build/",
    "artifacts/",
    "test-results/",
  ]),
  ...obsidianmd.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ["eslint.config.mjs", "esbuild.config.mjs", "scripts/*.mjs", "bin/*.mjs"],
        },
      },
    },
  },
  {
    // Headless code (CLI, tests, benchmarks, build scripts) runs in Node, not in Obsidian:
    // Node built-ins and console output are what it is for.
    files: ["src/cli/**", "src/node/**", "src/production/node/**", "tests/**", "bench/**", "scripts/**", "bin/**", "*.config.*"],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "obsidianmd/no-nodejs-modules": "off",
      "import/no-nodejs-modules": "off",
      "no-console": "off",
      "obsidianmd/ui/sentence-case": "off",
    },
  },
  {
    // The exported web app's page runs in a visitor's browser, not in Obsidian: plain DOM and fetch.
    files: ["src/production/web/**"],
    rules: {
      "obsidianmd/prefer-create-el": "off",
      "no-restricted-globals": "off",
    },
  },
  {
    // Layering (issue 9): the cores never import Obsidian; only the adapters in obsidian/ folders
    // and the wiring (src/plugin.ts) do.
    files: ["src/**/*.ts"],
    ignores: ["src/**/obsidian/**", "src/plugin.ts"],
    rules: {
      "no-restricted-imports": ["error", { paths: [{ name: "obsidian", message: "Core modules never import obsidian: put this in the feature's obsidian/ folder, or take a port." }] }],
    },
  },
  // A feature's obsidian/ adapters never import another feature's: the consumer declares a port
  // and src/plugin.ts passes it in. src/shared/obsidian/ is for every feature.
  ...["timestamps", "classifier", "cleaner", "production"].map((feature) => ({
    files: [`src/${feature}/obsidian/**/*.ts`],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["timestamps", "classifier", "cleaner", "production"].filter((f) => f !== feature).map((f) => `**/${f}/obsidian/**`),
              message: "A feature's obsidian/ adapters never import another feature's: declare a port in your feature and let src/plugin.ts pass it in.",
            },
          ],
        },
      ],
    },
  })),
  {
    // The browser harness evaluates main.js the way Obsidian loads a plugin:
    // new Function(module, exports, require, source), timed (bench start-up figures).
    files: ["tests/standin/browser-harness.ts"],
    rules: { "obsidianmd/rule-custom-message": "off", "@typescript-eslint/no-implied-eval": "off" },
  },
]);
