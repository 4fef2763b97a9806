// Builds the plugin: a small main.js (CommonJS, the file Obsidian evaluates at every launch) and
// the engine files it loads on first use from the plugin's folder:
//
//   main.js                          start-up: timestamps, settings, and the registrations of the
//                                    classifier and cleaner (commands, views, menus, blocks)
//   engine-app.js                    the classifier and cleaner code (panel, panes, training, …)
//   engine-tfjs.js                   TensorFlow.js and the backbone's model topology
//   engine-tfjs-backend-wasm-simd.wasm  the wasm backend's binary
//   engine-mobilenet_v2.bin          the MobileNetV2 backbone's weights (float32, as nsfwjs ships them)
//   web-app.js                       the exported web app's runtime ("Export as web app" copies it;
//                                    scripts/build-web-app.mjs builds it); a store install downloads
//                                    it on the first export, not with the others
//
// How: esbuild bundles main.ts as ES modules with code splitting, so every dynamic import() of
// the sources becomes its own chunk and modules shared by several chunks exist once. Each chunk
// is then turned into a CommonJS function and put in a table; main.js holds the chunks that
// start-up needs (the entry and what it imports statically) and a small loader; the other chunks
// go into the engine files. A dynamic import in any chunk becomes `__llImport(chunk)`, which
// first has the engine files it needs read (or downloaded, see src/engine/assets.ts), checked
// against the SHA-256 digests written into main.js, and run as a script. The weights and the wasm
// binary are plain files read the same way (src/engine/assets.ts).
//
// `node esbuild.config.mjs production` builds once, minified; without it, watches (not minified).
// `--outdir=DIR` writes the files elsewhere (default: the repository root).
import esbuild from "esbuild";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { builtinModules, createRequire } from "node:module";
import { dirname, join } from "node:path";
import { buildWebAppRuntime } from "./scripts/build-web-app.mjs";

const production = process.argv[2] === "production";
const outdir = process.argv.find((a) => a.startsWith("--outdir="))?.slice("--outdir=".length) ?? ".";
const require = createRequire(import.meta.url);

/** nsfwjs's package folder (its exports map hides the model files from a plain resolve). */
const nsfwjsDir = join(dirname(require.resolve("nsfwjs")), "..", "..");
const pkg = JSON.parse(readFileSync("package.json", "utf8"));
const manifestJson = JSON.parse(readFileSync("manifest.json", "utf8"));
/** GitHub repository whose release `<version>` holds the engine files (owner/name). */
const releaseRepo = process.env.LESSON_LAB_RELEASE_REPO ?? (typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url ?? "")
  .replace(/^git\+/, "")
  .replace(/^github:/, "")
  .replace(/^https:\/\/github\.com\//, "")
  .replace(/\.git$/, "");

export const ENGINE_FILES = {
  app: "engine-app.js",
  tfjs: "engine-tfjs.js",
  wasm: "engine-tfjs-backend-wasm-simd.wasm",
  weights: "engine-mobilenet_v2.bin",
  webApp: "web-app.js",
};

const external = ["obsidian", "electron", "@codemirror/*", "@lezer/*", ...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/**
 * In the app, nsfwjs's MobileNetV2 weights (base64 inside a JS module) and the wasm binary are
 * not bundled: these modules read the engine's binary files instead (src/engine/assets.ts).
 */
const enginePlugin = {
  name: "lesson-lab-engine",
  setup(build) {
    build.onResolve({ filter: /^nsfwjs\/models\/mobilenet_v2$/ }, () => ({ path: "mobilenet_v2", namespace: "lesson-lab-engine" }));
    build.onLoad({ filter: /^mobilenet_v2$/, namespace: "lesson-lab-engine" }, () => ({
      resolveDir: process.cwd(),
      loader: "js",
      contents: `
        import { readEngineAsset } from "./src/engine/assets";
        export const MobileNetV2Model = {
          name: "MobileNetV2",
          numOfWeightBundles: 1,
          modelJson: () => import(${JSON.stringify(join(nsfwjsDir, "dist", "models", "mobilenet_v2", "model.min.js"))}),
          weightBundles: [],
          weightBuffers: [() => readEngineAsset(${JSON.stringify(ENGINE_FILES.weights)})],
        };`,
    }));
  },
};

/** The weights nsfwjs ships as base64 in a JS module, as raw bytes. */
async function mobilenetWeights() {
  const base64 = require(join(nsfwjsDir, "dist", "models", "mobilenet_v2", "group1-shard1of1.min.js"));
  if (typeof base64 !== "string" || base64.length < 1000) throw new Error("nsfwjs's MobileNetV2 weights module changed shape");
  return Buffer.from(base64, "base64");
}

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");
const CHUNK_IMPORT = /\bimport\("\.\/(chunk-[A-Z0-9]+\.js)"\)/g;

/** One ESM chunk as a CommonJS module body (`require("./chunk-…")` for its static imports). */
async function toCommonJs(code, minify) {
  const rewritten = code.replace(CHUNK_IMPORT, (_, name) => `__llImport(${JSON.stringify(name)})`);
  const out = await esbuild.transform(rewritten, { format: "cjs", target: "es2021", minify, loader: "js" });
  return out.code;
}

/** Most of the chunk's bytes come from node_modules: it goes into engine-tfjs.js. */
function isLibraryChunk(output) {
  let lib = 0;
  let own = 0;
  for (const [path, info] of Object.entries(output.inputs)) {
    if (path.includes("node_modules/")) lib += info.bytesInOutput;
    else own += info.bytesInOutput;
  }
  return lib > own;
}

// The loader at the top of main.js. `defs` maps a chunk to its CommonJS function; `needs` maps a
// chunk that is imported dynamically to the engine files its static closure lives in.
const RUNTIME = `"use strict";
var __llRuntime = (function (outerRequire) {
  var defs = Object.create(null), cache = Object.create(null), loaded = Object.create(null), manifest = __LL_MANIFEST__;
  var rt = { manifest: manifest, load: null, define: function (table) { for (var k in table) defs[k] = table[k]; } };
  function req(name) {
    var hit = cache[name];
    if (hit) return hit.exports;
    var def = defs[name];
    if (!def) {
      if (name.indexOf("./chunk-") === 0) throw new Error("Lesson Lab: the engine module " + name + " is not loaded");
      return outerRequire(name);
    }
    var m = { exports: {} };
    cache[name] = m;
    def(m, m.exports, function (id) { return req(id.indexOf("./") === 0 && defs[id.slice(2)] ? id.slice(2) : id); }, imp, rt);
    return m.exports;
  }
  function imp(name) {
    return Promise.resolve().then(function () {
      var missing = (manifest.needs[name] || []).filter(function (f) { return !loaded[f]; });
      if (missing.length === 0) return;
      if (!rt.load) throw new Error("Lesson Lab: the engine loader is not set up (was the plugin loaded?)");
      return rt.load(missing).then(function () { missing.forEach(function (f) { loaded[f] = true; }); });
    }).then(function () { return req(name); });
  }
  rt.require = req;
  rt.import = imp;
  return rt;
})(typeof require === "function" ? require : function (id) { throw new Error("Cannot find module " + id); });
`;

function table(entries) {
  return `{${entries.map(([name, body]) => `${JSON.stringify(name)}:function(module,exports,require,__llImport,LESSON_LAB_ENGINE){${body}\n}`).join(",")}}`;
}

/** Turns esbuild's split ESM output into main.js and the engine files; returns what was written. */
async function assemble(result, minify) {
  const outputs = result.metafile.outputs;
  const files = new Map(result.outputFiles.map((f) => [f.path.split(/[\\/]/).pop(), f.text]));
  const meta = new Map(Object.entries(outputs).map(([p, o]) => [p.split(/[\\/]/).pop(), o]));
  const base = (p) => p.split(/[\\/]/).pop();
  const staticImports = (name) => (meta.get(name)?.imports ?? []).filter((i) => i.kind === "import-statement" && !i.external).map((i) => base(i.path));
  const dynamicImports = (name) => (meta.get(name)?.imports ?? []).filter((i) => i.kind === "dynamic-import" && !i.external).map((i) => base(i.path));
  const closure = (name, seen = new Set()) => {
    if (seen.has(name)) return seen;
    seen.add(name);
    for (const dep of staticImports(name)) closure(dep, seen);
    return seen;
  };

  const startup = closure("main.js");
  const where = new Map();
  for (const name of files.keys()) {
    if (!name.endsWith(".js")) continue;
    where.set(name, startup.has(name) ? "main.js" : isLibraryChunk(meta.get(name)) ? ENGINE_FILES.tfjs : ENGINE_FILES.app);
  }
  const needs = {};
  for (const name of where.keys()) {
    for (const target of dynamicImports(name)) {
      const engineFiles = [...new Set([...closure(target)].map((c) => where.get(c)).filter((f) => f !== "main.js"))].sort();
      needs[target] = engineFiles;
    }
  }

  const bodies = { "main.js": [], [ENGINE_FILES.app]: [], [ENGINE_FILES.tfjs]: [] };
  for (const [name, file] of where) bodies[file].push([name, await toCommonJs(files.get(name), minify)]);

  const written = {};
  const assets = [];
  for (const file of [ENGINE_FILES.app, ENGINE_FILES.tfjs]) {
    written[file] = Buffer.from(`lessonLabEngine.define(${table(bodies[file])});\n`, "utf8");
  }
  written[ENGINE_FILES.wasm] = readFileSync(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm"));
  written[ENGINE_FILES.weights] = await mobilenetWeights();
  // Built here, not after, so that main.js carries its digest and a store install downloads it
  // (on the first "Export as web app" only: its own group, src/engine/assets.ts).
  written[ENGINE_FILES.webApp] = Buffer.from(await buildWebAppRuntime(), "utf8");
  for (const name of Object.values(ENGINE_FILES).sort()) {
    const group = name === ENGINE_FILES.webApp ? { group: "web-app" } : {};
    assets.push({ name, size: written[name].length, sha256: sha256(written[name]), ...group });
  }

  const manifest = {
    version: manifestJson.version,
    releaseBase: releaseRepo ? `https://github.com/${releaseRepo}/releases/download/${manifestJson.version}/` : "",
    files: assets,
    needs,
  };
  const main =
    "// Lesson Lab: built by esbuild.config.mjs; the engine files load on first use (src/engine/assets.ts).\n" +
    RUNTIME.replace("__LL_MANIFEST__", JSON.stringify(manifest)) +
    `__llRuntime.define(${table(bodies["main.js"])});\n` +
    `module.exports = __llRuntime.require("main.js");\n`;
  written["main.js"] = Buffer.from(main, "utf8");

  await mkdir(outdir, { recursive: true });
  for (const [name, bytes] of Object.entries(written)) await writeFile(join(outdir, name), bytes);
  return Object.fromEntries(Object.entries(written).map(([n, b]) => [n, b.length]));
}

const options = {
  entryPoints: { main: "main.ts" },
  bundle: true,
  format: "esm",
  splitting: true,
  platform: "browser",
  target: "es2021",
  external,
  outdir: join(outdir, ".esbuild-split"),
  chunkNames: "chunk-[hash]",
  write: false,
  metafile: true,
  logLevel: "warning",
  sourcemap: false,
  treeShaking: true,
  minify: production,
  plugins: [
    enginePlugin,
    {
      name: "lesson-lab-assemble",
      setup(build) {
        build.onEnd(async (result) => {
          if (result.errors.length > 0) return;
          const sizes = await assemble(result, production);
          console.error(Object.entries(sizes).map(([n, s]) => `  ${n.padEnd(36)} ${(s / 1024).toFixed(0).padStart(6)} KB`).join("\n"));
        });
      },
    },
  ],
};

if (production) {
  await esbuild.build(options);
} else {
  const context = await esbuild.context(options);
  await context.watch();
}
