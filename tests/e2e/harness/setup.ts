// vitest setup for the browser tests: the harnesses of a test file share one Chromium (a fresh
// context each, see shareOneBrowser), closed after the file's last test.
import { afterAll } from "vitest";
import { closeSharedBrowser, shareOneBrowser } from "./index";

shareOneBrowser();
afterAll(closeSharedBrowser);
