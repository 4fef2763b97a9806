// Bundles main.ts into main.js (CommonJS), the file Obsidian loads.
// `node esbuild.config.mjs production` builds once, minified; without it, watches.
import esbuild from "esbuild";
import { builtinModules } from "node:module";

const production = process.argv[2] === "production";

const external = [
  "obsidian",
  "electron",
  "@codemirror/*",
  "@lezer/*",
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
];

const context = await esbuild.context({
  entryPoints: ["main.ts"],
  bundle: true,
  format: "cjs",
  platform: "browser",
  target: "es2021",
  external,
  outfile: "main.js",
  logLevel: "info",
  sourcemap: production ? false : "inline",
  treeShaking: true,
  minify: production,
  // Model weights and wasm binaries are imported by path and inlined, since a
  // plugin install ships only main.js, manifest.json and styles.css.
  loader: { ".bin": "binary", ".wasm": "binary" },
});

if (production) {
  await context.rebuild();
  await context.dispose();
} else {
  await context.watch();
}
