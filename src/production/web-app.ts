// The files of an exported web app, as text: what `lesson-lab export`, `lesson-lab serve` and the
// app's "Export as web app" write or serve. Pure: a bundle and the built runtime in, files out;
// writing goes through an ExportTarget (a directory in the CLI, a vault folder in the app).
//
//   index.html       the page; classic scripts only, so it works opened from disk
//   lesson-lab.js    tfjs (wasm binary inlined) + the runtime + the page (built at build time)
//   model.js         the model's weights and card, embedded (window.LESSON_LAB_MODEL)
//   lesson-lab.mjs   the ES module API for other pages: load(), classify(image), card()
//   model-card.json  the model card (what `serve`'s GET /info answers)
//   README.md        the API, and the front matter of a static Hugging Face Space
import type { ModelBundle } from "./bundle";
import { ExportError } from "./bundle";
import type { ModelCard } from "./card";
import { jsonForTerminal, markdownText, plainLine } from "./safe-text";

export interface WebAppFile {
  name: string;
  text: string;
  /** Content type when served. */
  type: string;
}

/** Every file name an export writes; --force replaces these and nothing else. */
export const WEB_APP_FILES = ["index.html", "lesson-lab.js", "model.js", "lesson-lab.mjs", "model-card.json", "README.md"] as const;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
:root { color-scheme: light dark; --accent: #7c3aed; --muted: #6b7280; --line: #d1d5db; --bar: #e5e7eb; }
@media (prefers-color-scheme: dark) { :root { --muted: #9ca3af; --line: #374151; --bar: #1f2937; } }
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { margin-bottom: 0.25rem; }
.ll-lead, .ll-muted, .ll-status { color: var(--muted); }
.ll-error { color: #dc2626; }
.ll-drop { display: block; border: 2px dashed var(--line); border-radius: 12px; padding: 2rem; text-align: center; cursor: pointer; margin: 1rem 0; }
.ll-drop.is-over { border-color: var(--accent); }
.ll-drop-text { display: block; font-weight: 600; margin-bottom: 0.5rem; }
.ll-results { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: 1rem; }
.ll-result { margin: 0; border: 1px solid var(--line); border-radius: 12px; padding: 0.75rem; }
.ll-image { width: 100%; height: 12rem; object-fit: contain; background: var(--bar); border-radius: 8px; }
.ll-name { font-size: 0.85rem; color: var(--muted); overflow-wrap: anywhere; }
.ll-label { font-size: 1.25rem; font-weight: 700; margin: 0.25rem 0; overflow-wrap: anywhere; }
.ll-bar-row { display: grid; grid-template-columns: minmax(4rem, 8rem) 1fr 3.5rem; gap: 0.5rem; align-items: center; font-size: 0.85rem; }
.ll-bar-label { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.ll-bar { display: block; height: 0.6rem; background: var(--bar); border-radius: 4px; overflow: hidden; }
.ll-bar-fill { display: block; height: 100%; background: var(--accent); }
.ll-bar-value { text-align: right; font-variant-numeric: tabular-nums; }
.ll-card { margin-top: 2.5rem; border-top: 1px solid var(--line); }
.ll-facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
.ll-facts dt { font-weight: 600; }
.ll-facts dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { border: 1px solid var(--line); padding: 0.2rem 0.5rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.ll-diagonal { background: color-mix(in srgb, var(--accent) 25%, transparent); font-weight: 600; }
.ll-off { background: color-mix(in srgb, #dc2626 15%, transparent); }
.ll-file { max-width: 100%; }
`;

function indexHtml(card: ModelCard): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Lesson Lab">
<title>${escapeHtml(plainLine(card.title))}</title>
<style>${STYLE}</style>
</head>
<body>
<main id="lesson-lab-app"><h1>${escapeHtml(plainLine(card.title))}</h1><p>Loading… (this page needs JavaScript.)</p></main>
<script src="model.js"></script>
<script src="lesson-lab.js"></script>
</body>
</html>
`;
}

const MODULE = `// ES module API of this Lesson Lab web app. Import it from a page served over http(s):
//   import { load, classify, card } from "./lesson-lab.mjs";
//   const { label, ranked } = await classify(imageBlobOrImgOrBitmapOrUrl);
// It adds lesson-lab.js and model.js (beside this file) to the page as classic scripts.
const base = new URL(".", import.meta.url);
let loading = null;

function addScript(name) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = new URL(name, base).href;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error("Could not load " + script.src));
    document.head.appendChild(script);
  });
}

/** Loads the model once (about a second); later calls share it. Resolves to the classifier. */
export function load() {
  loading ??= (async () => {
    if (!globalThis.LESSON_LAB_MODEL) await addScript("model.js");
    if (!globalThis.LessonLab) await addScript("lesson-lab.js");
    return globalThis.LessonLab.load(globalThis.LESSON_LAB_MODEL);
  })();
  return loading;
}

/**
 * Classifies one image: a Blob or File, an <img>, an ImageBitmap, a <canvas> or a URL.
 * Resolves to {label, ranked: [{label, probability}]}, most probable first.
 */
export async function classify(image) {
  return (await load()).classify(image);
}

/** The model card: {title, labels, counts, accuracy, confusion, backbone, trainedAt, ...}. */
export async function card() {
  return (await load()).card;
}
`;

/** A YAML double-quoted value on one line: control, bidi and zero-width characters written visibly (plainLine). */
function yamlString(s: string): string {
  return JSON.stringify(plainLine(s));
}

function readme(card: ModelCard): string {
  const acc = card.accuracy === null ? "not measured" : `${(card.accuracy * 100).toFixed(1)}% on ${card.valid_count} validation images`;
  // Every string of the card comes from folder names or a model folder (the web): literal Markdown text.
  const labels = card.labels.map(markdownText).join(", ");
  return `---
title: ${yamlString(card.title.slice(0, 60))}
emoji: 🔎
colorFrom: indigo
colorTo: green
sdk: static
app_file: index.html
pinned: false
---

# ${markdownText(card.title)}

An image classifier exported by Lesson Lab, an Obsidian plugin for fast.ai lesson notes. It runs
entirely in the visitor's browser with TensorFlow.js: images are never uploaded, and the page
fetches nothing from any other site.

- Labels: ${labels}
- Validation accuracy: ${acc}
- Backbone: ${markdownText(card.backbone)}; trained ${markdownText(card.trainedAt)}

## Use it

Open \`index.html\`: straight from disk (double-click it), or from any static web server, or as a
Hugging Face Space (\`sdk: static\`, this file's front matter). Choose, drop or paste images.

## Put it on a Hugging Face Space

1. On huggingface.co, **New Space**, pick the **Static** SDK.
2. Upload every file of this folder (or \`git clone\` the Space, copy them in, \`git add\`, \`git commit\`, \`git push\`).
   \`model.js\` holds the weights (a few MB; the Hub wants Git LFS for files over 10 MB: if
   yours is larger, \`git lfs track model.js\` first, or upload it through the web page).
3. The Space shows the page. Its files are then at \`https://huggingface.co/spaces/USER/SPACE/resolve/main/FILE\`
   and the page at \`https://USER-SPACE.static.hf.space\`.

## JavaScript API

\`lesson-lab.mjs\` is an ES module (serve the folder over http(s); browsers run no module from disk):

\`\`\`js
import { load, classify, card } from "https://USER-SPACE.static.hf.space/lesson-lab.mjs";

await load();                         // once; later calls share the loaded model
const { label, ranked } = await classify(image);
// image: a Blob or File, an <img>, an ImageBitmap, a <canvas> or a URL
// label: the most probable label
// ranked: [{ label, probability }, ...] every label, most probable first (probabilities sum to 1)
const about = await card();           // labels, counts, accuracy, confusion, backbone, trainedAt
\`\`\`

A page that is itself opened from disk can use the classic scripts instead:
\`<script src="model.js"></script><script src="lesson-lab.js"></script>\`, then
\`const model = await LessonLab.load(); await model.classify(image)\`.

Images are decoded by the browser, composited on white, squished to
${Number(card.imageSize)}x${Number(card.imageSize)} pixels (bilinear, antialiased) and run through the backbone and the
head on tfjs's WebAssembly backend: the same steps and numbers (to 1e-4) as
\`lesson-lab predict\`. An \`<img>\` or URL from another origin can only be read if that origin
allows it (CORS); on a page opened from disk, give images as files or Blobs.

## Files

| file | what |
| --- | --- |
| \`index.html\` | the page |
| \`lesson-lab.js\` | TensorFlow.js (Apache-2.0), its WebAssembly binary and the Lesson Lab runtime |
| \`model.js\` | the model's weights and card |
| \`lesson-lab.mjs\` | the ES module API |
| \`model-card.json\` | the model card as JSON |
`;
}

/** The files of the web app for a bundle; `runtimeJs` is the built lesson-lab.js. */
export function webAppFiles(bundle: ModelBundle, runtimeJs: string): WebAppFile[] {
  if (!runtimeJs.includes("LessonLab")) throw new ExportError("the web app's runtime (lesson-lab.js) is not a Lesson Lab build");
  // The title on one line, escaped (U+2028 would end the comment in JavaScript); the JSON with what a terminal could act on escaped.
  const model = `// Lesson Lab model: ${plainLine(bundle.card.title)} (weights embedded so that index.html works from disk)\nwindow.LESSON_LAB_MODEL = JSON.parse(${jsonForTerminal(JSON.stringify(JSON.stringify(bundle)))});\n`;
  return [
    { name: "index.html", text: indexHtml(bundle.card), type: "text/html; charset=utf-8" },
    { name: "lesson-lab.js", text: runtimeJs, type: "text/javascript; charset=utf-8" },
    { name: "model.js", text: model, type: "text/javascript; charset=utf-8" },
    { name: "lesson-lab.mjs", text: MODULE, type: "text/javascript; charset=utf-8" },
    { name: "model-card.json", text: `${jsonForTerminal(JSON.stringify(bundle.card, null, 2))}\n`, type: "application/json; charset=utf-8" },
    { name: "README.md", text: readme(bundle.card), type: "text/markdown; charset=utf-8" },
  ];
}

/** Where an export writes: a folder, by file name. */
export interface ExportTarget {
  /** Human-readable folder path for messages. */
  where: string;
  /** Names of the entries directly in the folder; null when it does not exist. Throws when it is a file. */
  list(): Promise<string[] | null>;
  mkdir(): Promise<void>;
  /** Whether `name` in the folder is a folder (it is never replaced). */
  isFolder(name: string): Promise<boolean>;
  /** Creates `name`, or replaces it when `replace` (only ever for WEB_APP_FILES). */
  write(name: string, text: string, replace: boolean): Promise<void>;
}

export interface WriteResult {
  written: string[];
  /** Files of a previous export that were replaced (--force). */
  replaced: string[];
}

/**
 * Writes `files` into `target`. A folder that exists and holds anything is refused unless
 * `force`; with `force`, only the export's own file names are replaced and nothing is deleted.
 */
export async function writeWebApp(target: ExportTarget, files: WebAppFile[], options: { force?: boolean } = {}): Promise<WriteResult> {
  const existing = await target.list();
  if (existing === null) await target.mkdir();
  else if (existing.length > 0 && !options.force) {
    const shown = existing.slice(0, 5).join(", ") + (existing.length > 5 ? ", …" : "");
    throw new ExportError(
      `${target.where} is not empty (${existing.length} entr${existing.length === 1 ? "y" : "ies"}: ${shown}). Choose a new or empty folder, or use --force to replace the files an export writes (${WEB_APP_FILES.join(", ")}); nothing else there is touched.`,
    );
  }
  const present = new Set(existing ?? []);
  for (const f of files) {
    if (present.has(f.name) && (await target.isFolder(f.name))) throw new ExportError(`${target.where}/${f.name} is a folder; the export needs that name for a file and leaves the folder alone.`);
  }
  const result: WriteResult = { written: [], replaced: [] };
  for (const f of files) {
    const replace = present.has(f.name);
    await target.write(f.name, f.text, replace);
    result.written.push(f.name);
    if (replace) result.replaced.push(f.name);
  }
  return result;
}
