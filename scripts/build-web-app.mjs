// Builds the exported web app's script (src/production/web/entry.ts → web-app.js): tfjs with
// its wasm binary inlined, the classifier runtime and the page, as one classic script (an IIFE),
// so that an exported index.html works opened from disk. Kept out of main.js: the plugin reads
// web-app.js from its folder only when "Export as web app" runs; the CLI builds it in memory.
// `node scripts/build-web-app.mjs` writes web-app.js; buildWebAppRuntime() returns the text.
import esbuild from "esbuild";
import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The page inlines the wasm binary itself, instead of the plugin's engine file (which needs Obsidian). */
const pageWasm = {
  name: "lesson-lab-page-wasm",
  setup(build) {
    build.onResolve({ filter: /\/wasm-embedded$/ }, () => ({ path: join(root, "src/production/web/wasm-embedded.ts") }));
  },
};

export async function buildWebAppRuntime() {
  const result = await esbuild.build({
    entryPoints: [join(root, "src/production/web/entry.ts")],
    absWorkingDir: root,
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2021",
    minify: true,
    write: false,
    legalComments: "eof",
    logLevel: "silent",
    loader: { ".bin": "binary", ".wasm": "binary" },
    plugins: [pageWasm],
    // tfjs-core probes for Node modules it never uses in a browser.
    // nsfwjs's weights: the page gets its backbone from model.js, never from nsfwjs.
    external: ["fs", "path", "crypto", "os", "worker_threads", "perf_hooks", "util", "nsfwjs", "nsfwjs/*"],
  });
  return result.outputFiles[0].text;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const text = await buildWebAppRuntime();
  await writeFile(join(root, "web-app.js"), text);
  console.error(`web-app.js: ${(text.length / 1e6).toFixed(1)} MB`);
}
