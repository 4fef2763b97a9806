// Entry point Obsidian loads (bundled to main.js). The plugin class lives in src/plugin.ts.
export { default } from "./src/plugin";
