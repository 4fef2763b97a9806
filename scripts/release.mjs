// Publishes a built plugin as the GitHub release `<version>` (manifest.json's version): the three
// files Obsidian's store installs (main.js, manifest.json, styles.css) and the engine files that
// main.js downloads from this release on first use (engine-* and web-app.js, see esbuild.config.mjs).
//
//   npm run release              build, check, then `gh release create <version> …` (GitHub CLI)
//   npm run release -- --dry-run build and check only; print the command
//
// Checks first that every engine file main.js describes is there with the size and SHA-256 that
// main.js expects, and that main.js downloads from this repository's release of this version.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";

const dryRun = process.argv.includes("--dry-run");
const fail = (message) => {
  console.error(`release: ${message}`);
  process.exit(1);
};

const manifest = JSON.parse(readFileSync("manifest.json", "utf8"));
const pkg = JSON.parse(readFileSync("package.json", "utf8"));
if (manifest.version !== pkg.version) fail(`manifest.json's version ${manifest.version} differs from package.json's ${pkg.version}`);
const versions = JSON.parse(readFileSync("versions.json", "utf8"));
if (!(manifest.version in versions)) fail(`versions.json has no entry for ${manifest.version}`);
if (!existsSync("main.js")) fail("main.js is missing: run npm run build first");

const main = readFileSync("main.js", "utf8");
const described = /manifest = (\{.*?\});\n/.exec(main);
if (!described) fail("main.js describes no engine files (was it built by esbuild.config.mjs?)");
const engine = JSON.parse(described[1]);
if (engine.version !== manifest.version) fail(`main.js was built for ${engine.version}, manifest.json says ${manifest.version}`);
if (!engine.releaseBase.endsWith(`/releases/download/${manifest.version}/`)) fail(`main.js downloads from ${engine.releaseBase || "nowhere"}`);
for (const file of engine.files) {
  if (!existsSync(file.name)) fail(`${file.name} is missing`);
  const bytes = readFileSync(file.name);
  if (bytes.length !== file.size) fail(`${file.name} has ${bytes.length} bytes, main.js expects ${file.size}`);
  if (createHash("sha256").update(bytes).digest("hex") !== file.sha256) fail(`${file.name}'s SHA-256 differs from main.js's`);
}

const assets = ["main.js", "manifest.json", "styles.css", ...engine.files.map((f) => f.name)];
const repo = engine.releaseBase.replace(/^https:\/\/github\.com\//, "").split("/releases/")[0];
const args = ["release", "create", manifest.version, "--repo", repo, "--title", manifest.version, "--notes", `Lesson Lab ${manifest.version}`, ...assets];
console.error(`release: ${assets.length} assets checked for ${repo} ${manifest.version}: ${assets.join(", ")}`);
if (dryRun) {
  process.stdout.write(`${["gh", ...args].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(" ")}\n`);
} else {
  const run = spawnSync("gh", args, { stdio: "inherit" });
  if (run.error) fail(`could not run the GitHub CLI (gh): ${run.error.message}`);
  process.exit(run.status ?? 1);
}
