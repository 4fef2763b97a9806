// vitest globalSetup for the browser tests: the stand-in bundle is built once, before any test
// file runs; the files (two at a time) then only read it.
import { buildStandIn, STANDIN_BUILT_ENV } from "./build";

export default async function setup(): Promise<void> {
  process.env[STANDIN_BUILT_ENV] = await buildStandIn();
}
