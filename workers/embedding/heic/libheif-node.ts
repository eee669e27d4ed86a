// libheif-js in Node, for specs and benches: the same single-file module the app ships.
import type { Libheif } from './libheif';

export async function loadLibheifInNode(): Promise<Libheif> {
  const url = new URL(
    '../../../node_modules/libheif-js/libheif-wasm/libheif-bundle.mjs',
    import.meta.url,
  );
  const module: unknown = await import(/* @vite-ignore */ url.href);
  if (typeof module !== 'object' || module === null || !('default' in module))
    throw new Error('libheif-js has no default export');
  const factory = module.default;
  if (typeof factory !== 'function') throw new Error('libheif-js has no factory');
  // libheif-js 1.23's module (libheif-wasm/libheif.d.ts), pinned in package.json.
  return (await (factory as () => Promise<object>)()) as Libheif;
}
