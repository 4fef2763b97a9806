// The wasm SIMD binary of the built plugin: the engine file engine-tfjs-backend-wasm-simd.wasm,
// read from the plugin's folder (or downloaded once, see src/engine/assets.ts) and handed to the
// wasm backend as a blob: URL. Only the app imports this module; Node reads the binaries from
// node_modules.
import { readEngineAsset } from "../../engine/assets";

let urls: Promise<Record<string, string>> | null = null;

export function embeddedWasmUrls(): Promise<Record<string, string>> {
  urls ??= readEngineAsset("engine-tfjs-backend-wasm-simd.wasm").then((bytes) => {
    const url = URL.createObjectURL(new Blob([bytes], { type: "application/wasm" }));
    // Every host we run in (Electron/Chromium) has wasm SIMD, and multithreading is off,
    // so only the SIMD binary is shipped; the other names must be present for setWasmPaths.
    return {
      "tfjs-backend-wasm.wasm": url,
      "tfjs-backend-wasm-simd.wasm": url,
      "tfjs-backend-wasm-threaded-simd.wasm": url,
    };
  });
  urls.catch(() => (urls = null));
  return urls;
}
