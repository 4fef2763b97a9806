// The built web-app script (lesson-lab.js of an export) for the CLI: built in memory from the
// sources with esbuild (scripts/build-web-app.mjs) when the sources and esbuild are here, so it
// never lags behind the code; else the web-app.js that `npm run build` left in the package root.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ExportError } from "../bundle";
import { errorText } from "../../shared/errors";

/** The package root: the nearest folder above this file with scripts/build-web-app.mjs or web-app.js. */
function packageRoot(): string {
  // The CLI's build is CommonJS (no import.meta.url there); tsx and vitest run the ES module.
  let dir = typeof __dirname === "string" ? __dirname : path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, "scripts", "build-web-app.mjs")) || existsSync(path.join(dir, "web-app.js"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new ExportError("cannot find the web app's runtime (web-app.js) beside Lesson Lab; run `npm run build`");
    dir = up;
  }
}

let cached: Promise<string> | null = null;

export function webAppRuntime(): Promise<string> {
  cached ??= (async () => {
    const root = packageRoot();
    const script = path.join(root, "scripts", "build-web-app.mjs");
    if (existsSync(path.join(root, "src", "production", "web", "entry.ts")) && existsSync(script)) {
      try {
        // eslint-disable-next-line no-unsanitized/method -- the package's own build script, found beside this file
        const mod = (await import(pathToFileURL(script).href)) as { buildWebAppRuntime(): Promise<string> };
        return await mod.buildWebAppRuntime();
      } catch (error) {
        if (!existsSync(path.join(root, "web-app.js"))) throw new ExportError(`cannot build the web app's runtime: ${errorText(error)}`);
      }
    }
    try {
      return await readFile(path.join(root, "web-app.js"), "utf8");
    } catch {
      throw new ExportError(`cannot find ${path.join(root, "web-app.js")}; run \`npm run build\``);
    }
  })();
  cached.catch(() => (cached = null));
  return cached;
}
