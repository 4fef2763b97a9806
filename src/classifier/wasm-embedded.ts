// The wasm SIMD binary inlined into main.js by esbuild's binary loader, handed to
// the wasm backend as a blob: URL (a plugin install ships no separate files).
// Only the app imports this module; Node reads the binaries from node_modules.
import simdWasm from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm";

let urls: Record<string, string> | null = null;

export function embeddedWasmUrls(): Record<string, string> {
  if (!urls) {
    const url = URL.createObjectURL(new Blob([simdWasm], { type: "application/wasm" }));
    // Every host we run in (Electron/Chromium) has wasm SIMD, and multithreading is off,
    // so only the SIMD binary is shipped; the other names must be present for setWasmPaths.
    urls = {
      "tfjs-backend-wasm.wasm": url,
      "tfjs-backend-wasm-simd.wasm": url,
      "tfjs-backend-wasm-threaded-simd.wasm": url,
    };
  }
  return urls;
}
