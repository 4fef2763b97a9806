// Bundles the CLI (src/cli/main.ts) and the embedding worker it starts into dist/cli/, as
// plain JavaScript that `node` runs: the `lesson-lab` bin and `npm run cli` load this build,
// never a TypeScript loader, so Ctrl-C reaches the CLI's own handler (no wrapper process).
// Packages stay in node_modules (tfjs, sharp, nsfwjs are loaded when a command needs them),
// except the small pure-JavaScript parsers in BUNDLED: get-video-id ships its `require` entry as
// CommonJS inside a "type": "module" package, which Node refuses to load from this CJS build,
// so they are bundled in (esbuild reads their ESM sources).
// `node scripts/build-cli.mjs` builds once; it is quiet unless something is wrong.
import esbuild from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Packages bundled into the CLI; every other bare import stays external (node_modules). */
const BUNDLED = new Set(["get-video-id", "yaml"]);
const externalPackages = {
  name: "external-packages",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("node:")) return { path: args.path, external: true };
      const name = args.path.startsWith("@") ? args.path.split("/").slice(0, 2).join("/") : args.path.split("/")[0];
      return BUNDLED.has(name) ? undefined : { path: args.path, external: true };
    });
  },
};

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
  plugins: [externalPackages],
  sourcemap: "linked",
  logLevel: "warning",
  // embed-pool.ts reads import.meta.url only where __dirname is missing (never in this build).
  logOverride: { "empty-import-meta": "silent" },
});
