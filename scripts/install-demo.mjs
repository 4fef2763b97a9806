// Copies the built plugin into the demo vault, the way a user installs it by hand:
// main.js, manifest.json, styles.css and the engine files (engine-*, loaded on first use of the
// classifier or the cleaner) into <vault>/.obsidian/plugins/lesson-lab/.
import { copyFile, mkdir, readdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";

const vault = process.argv[2] ?? "demo-vault";
// The demo vault keeps Obsidian's default config folder name; this script is not plugin code.
// (lint warns on the literal: accepted here, since this build script runs outside Obsidian.)
const target = join(vault, ".obsidian", "plugins", "lesson-lab");
await mkdir(target, { recursive: true });
const engine = (await readdir(".")).filter((n) => n.startsWith("engine-")).sort();
if (engine.length === 0) {
  console.error("install-demo: no engine-* files; run npm run build first");
  process.exit(1);
}
// web-app.js: the script "Export as web app" writes beside an exported page.
for (const file of ["main.js", "manifest.json", "styles.css", "web-app.js", ...engine]) {
  if (!existsSync(file)) {
    console.error(`install-demo: ${file} is missing; run npm run build first`);
    process.exit(1);
  }
  await copyFile(file, join(target, file));
}
console.error(`Installed the plugin into ${target} (${4 + engine.length} files)`);
