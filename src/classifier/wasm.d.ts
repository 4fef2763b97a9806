// esbuild's "binary" loader turns an imported .wasm/.bin file into its bytes.
declare module "*.wasm" {
  const bytes: Uint8Array<ArrayBuffer>;
  export default bytes;
}
