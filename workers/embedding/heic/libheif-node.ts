// libheif in Node, for specs and benches: the same single-file modules the app ships.
import type { Libheif } from './libheif';

/** Our SIMD build (scripts/build-libheif.sh), and libheif-js' for engines without SIMD. */
const files = {
  simd: '../../../vendor/libheif-simd/libheif.mjs',
  'libheif-js': '../../../node_modules/libheif-js/libheif-wasm/libheif-bundle.mjs',
} as const;

export type LibheifBuild = keyof typeof files;

export async function loadLibheifInNode(build: LibheifBuild = 'simd'): Promise<Libheif> {
  const url = new URL(files[build], import.meta.url);
  const module: unknown = await import(/* @vite-ignore */ url.href);
  if (typeof module !== 'object' || module === null || !('default' in module))
    throw new Error(`${build}: no default export`);
  const factory = module.default;
  if (typeof factory !== 'function') throw new Error(`${build}: no factory`);
  // Both have libheif's embind API (libheif-js 1.23's libheif-wasm/libheif.d.ts).
  return (await (factory as () => Promise<object>)()) as Libheif;
}
