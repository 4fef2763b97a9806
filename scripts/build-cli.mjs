// Bundles the CLI (src/cli/main.ts) and the embedding worker it starts into dist/cli/, as
// plain JavaScript that `node` runs: the `lesson-lab` bin and `npm run cli` load this build,
// never a TypeScript loader, so Ctrl-C reaches the CLI's own handler (no wrapper process).
// Packages stay in node_modules (tfjs, sharp, nsfwjs are loaded when a command needs them).
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
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
  // embed-pool.ts reads import.meta.url only where __dirname is missing (never in this build).
  logOverride: { "empty-import-meta": "silent" },
});
