// Where a forward pass of the full MobileNetV2 (to flatten_1, 224, batch 16, BN folded, wasm SIMD,
// one thread) spends its time, per tfjs kernel: `npx tsx bench/profile-embed.ts [--batch=16] [--unfolded]`.
// tf.profile times each kernel as the wasm backend runs it (synchronously), so the sum per kernel
// name shows which ops and which layout conversions cost what.
import { loadBackbone } from "../src/classifier/backbone";
import { currentTf } from "../src/classifier/tf-setup";

async function main(): Promise<void> {
  const batch = Number(process.argv.find((a) => a.startsWith("--batch="))?.slice(8) ?? 16);
  const fold = !process.argv.includes("--unfolded");
  const bb = await loadBackbone("mobilenet_v2-nsfwjs", { batchSize: batch, fold, tf: { backends: ["wasm"], threads: 1 } });
  const tf = currentTf()!.tf;
  const images = Array.from({ length: batch }, (_, k) => {
    const data = new Uint8Array(224 * 224 * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31 + k * 97) & 255;
    return { width: 224, height: 224, data };
  });
  await bb.embed(images); // warm-up
  const t0 = performance.now();
  const info = await tf.profile(async () => {
    await bb.embed(images);
  });
  const wall = performance.now() - t0;
  const byKernel = new Map<string, { ms: number; n: number }>();
  let total = 0;
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
    total += ms;
    const e = byKernel.get(k.name) ?? { ms: 0, n: 0 };
    e.ms += ms;
    e.n += 1;
    byKernel.set(k.name, e);
  }
  process.stdout.write(`batch ${batch}, ${fold ? "folded" : "unfolded"}, wasm 1 thread: ${wall.toFixed(0)} ms wall (${((batch / wall) * 1000).toFixed(1)} img/s), ${total.toFixed(0)} ms in ${info.kernels.length} kernels\n`);
  for (const [name, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms)) {
    process.stdout.write(`${name.padEnd(28)} ${e.ms.toFixed(1).padStart(8)} ms  ${((e.ms / total) * 100).toFixed(1).padStart(5)}%  ${String(e.n).padStart(4)} calls\n`);
  }
  bb.dispose();
}

void main();
