import { readFile } from 'node:fs/promises';
import type { Plugin } from 'vite';
import wabt from 'wabt';

const QUERY = 'wasm-bytes';

// wabt is an Emscripten build that takes ~100 ms to start, so it starts once per process.
let toolkit: ReturnType<typeof wabt> | undefined;

/**
 * Assembles WebAssembly text to a binary with wabt (SIMD enabled), validating it, so a
 * kernel that would not instantiate fails the build instead of the page.
 */
export async function compileWat(
  source: string,
  filename: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const wat = await (toolkit ??= wabt());
  // wabt.js 1.0.39 copies the name without its terminating NUL, so a name whose length is
  // 4 mod 8 came out with a stray byte in every message; an explicit NUL ends it.
  const module = wat.parseWat(`${filename}\0`, source, { simd: true });
  try {
    module.validate();
    // A copy typed over a plain ArrayBuffer, which is what WebAssembly.Module accepts.
    return new Uint8Array(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

function watPath(id: string): string | undefined {
  const [file = '', query] = id.split('?', 2);
  return file.endsWith('.wat') && new URLSearchParams(query).has(QUERY) ? file : undefined;
}

/**
 * `import bytes from './kernel.wat?wasm-bytes'` gives the compiled module as a Uint8Array.
 * The kernel is ~1 KB, so inlining it (as base64) saves a fetch and keeps
 * `new WebAssembly.Module(bytes)` synchronous in the worker.
 */
export function watBytes(): Plugin {
  return {
    name: 'lumen-wat-bytes',
    enforce: 'pre',
    async load(id) {
      const file = watPath(id);
      if (file === undefined) return null;
      this.addWatchFile(file);
      let bytes: Uint8Array;
      try {
        bytes = await compileWat(await readFile(file, 'utf8'), file);
      } catch (error) {
        // Vite loads this file natively with the config, so it keeps its imports to packages.
        this.error(error instanceof Error ? error.message : String(error));
      }
      const base64 = Buffer.from(bytes).toString('base64');
      return {
        code: `export default Uint8Array.from(atob(${JSON.stringify(base64)}), (c) => c.charCodeAt(0));\n`,
        map: null,
      };
    },
  };
}
