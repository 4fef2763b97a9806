// The exported web app's stand-in for classifier/wasm-embedded.ts (scripts/build-web-app.mjs
// resolves that module here): the wasm SIMD binary is inlined into lesson-lab.js by esbuild's
// binary loader and handed to tfjs as a blob: URL, so that nothing is fetched from anywhere,
// even with the page opened from disk.
import simdWasm from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm";

let urls: Promise<Record<string, string>> | null = null;

export function embeddedWasmUrls(): Promise<Record<string, string>> {
  urls ??= Promise.resolve().then(() => {
    const url = URL.createObjectURL(new Blob([simdWasm], { type: "application/wasm" }));
    // Multithreading is off (tf-setup.ts), so only the SIMD binary is needed; browsers without
    // wasm SIMD fall back to tfjs's cpu backend.
    return { "tfjs-backend-wasm.wasm": url, "tfjs-backend-wasm-simd.wasm": url, "tfjs-backend-wasm-threaded-simd.wasm": url };
  });
  return urls;
}
