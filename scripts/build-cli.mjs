// Bundles the CLI (src/cli/main.ts) and the embedding worker it starts into dist/cli/, as
// plain JavaScript that `node` runs: the `lesson-lab` bin and `npm run cli` load this build,
// never a TypeScript loader, so Ctrl-C reaches the CLI's own handler (no wrapper process).
// tfjs, sharp and nsfwjs stay in node_modules and load when a command needs them.
// `node scripts/build-cli.mjs` builds once; it is quiet unless something is wrong.
import esbuild from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

await esbuild.build({
  absWorkingDir: root,
  entryPoints: { main: "src/cli/main.ts", "embed-worker": "src/node/embed-worker.ts" },
  outdir: "dist/cli",
  bundle: true,
  // CommonJS: the worker is found as embed-worker.js beside the bundle (embed-pool.ts), and
  // modules behind a dynamic import() are evaluated only when a command imports them.
  format: "cjs",
  platform: "node",
  target: "node20",
  // tfjs (large, with its wasm binaries), sharp (native) and nsfwjs (the weights) load from
  // node_modules at run time; small pure-JS packages are bundled, which also lets an ESM-only
  // package (get-video-id) be require()d by this CommonJS build.
  // `obsidian` is only reached by app-only modules behind dynamic imports the CLI never takes
  // (the wasm binary from the plugin's engine files); leaving it external keeps them out of reach.
  // onnxruntime-node (native engine) and onnx-proto (protobufjs) load from node_modules too.
  external: ["@tensorflow/*", "sharp", "nsfwjs", "nsfwjs/*", "onnxruntime-node", "onnx-proto", "obsidian", "electron"],
  // ES modules bundled into this CommonJS build see import.meta.url as the bundle's own file URL
  // (esbuild would leave it undefined): yargs-parser calls createRequire(import.meta.url) on load.
  banner: { js: 'var __importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  define: { "import.meta.url": "__importMetaUrl" },
  sourcemap: "linked",
  logLevel: "warning",
  // Any other import.meta (none is read in this build) stays empty.
  logOverride: { "empty-import-meta": "silent" },
});
