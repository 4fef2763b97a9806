// Hashes for the classifier's data pipeline. Pure: no Obsidian, no Node built-ins.

/** SHA-256 of `bytes` as lowercase hex, via WebCrypto (present in Node 20 and in Obsidian). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // The bare global, not window.crypto: this also runs headless in Node, where there is no window.
  const subtle = typeof crypto === "undefined" ? undefined : crypto.subtle;
  if (!subtle) throw new Error("SHA-256 is unavailable: this runtime has no WebCrypto (crypto.subtle)");
  // A view over part of a larger (or shared) buffer is copied; a whole ArrayBuffer is hashed in place.
  const whole = bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  const input = whole ? bytes.buffer : bytes.slice().buffer;
  const digest = new Uint8Array(await subtle.digest("SHA-256", input));
  let hex = "";
  for (const b of digest) hex += b.toString(16).padStart(2, "0");
  return hex;
}

/**
 * A fast, well-mixed 32-bit hash of a string (UTF-16 code units) under a seed.
 * FNV-1a over the code units, then the murmur3 finaliser so that nearby seeds and
 * strings differing in one character land far apart. Not cryptographic.
 */
export function hash32(str: string, seed: number): number {
  let h = (0x811c9dc5 ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < str.length; i++) {
    h ^= str.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= str.length;
  return fmix32(h);
}

/** murmur3's finaliser: every input bit affects every output bit. */
export function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** hash32 mapped to [0, 1). */
export function unitHash(str: string, seed: number): number {
  return hash32(str, seed) / 4294967296;
}
