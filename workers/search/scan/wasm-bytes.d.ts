/** A WebAssembly text file compiled by wabt at build time (see vite-plugin-wat.ts). */
declare module '*.wat?wasm-bytes' {
  const bytes: Uint8Array<ArrayBuffer>;
  export default bytes;
}
