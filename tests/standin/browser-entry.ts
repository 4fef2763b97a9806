// Browser entry of the stand-in, bundled by the e2e harness to tests/e2e/.build/standin.js (iife):
// installs Obsidian's DOM helpers, exposes the `obsidian` module to the plugin bundle through
// window.require, and the page-side harness as window.lessonLabHarness.
import { setup } from "obsidian-test-mocks/setup";
import { harness, requireShim } from "./browser-harness";
import { installObsidianDom } from "./browser-components";

setup();
installObsidianDom();

declare global {
  interface Window {
    lessonLabHarness: typeof harness;
  }
}

// Obsidian plugins may call the global require (Electron's); here it knows only "obsidian".
(window as unknown as { require: (id: string) => unknown }).require = requireShim;
window.lessonLabHarness = harness;
