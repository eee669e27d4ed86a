/**
 * What the WebAssembly SIMD kernels (search scan, trainer projection, tuned scales) share:
 * compiling once, instantiating on a memory of their own, and growing that memory.
 */

/** A kernel export: every argument is a number (an i32 offset or a count). */
export type KernelFn = (...args: number[]) => number;

const PAGE = 65536;

/**
 * Compiles `bytes` on first use and remembers the answer; null where the engine cannot run it
 * (no SIMD). Synchronous compile is fine: the kernels are a few KB (browsers only refuse large
 * modules on the main thread) and they run in workers.
 */
export function lazyModule(bytes: Uint8Array<ArrayBuffer>): () => WebAssembly.Module | null {
  let compiled: WebAssembly.Module | null | undefined;
  return () => {
    if (compiled === undefined) {
      try {
        compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
      } catch {
        compiled = null;
      }
    }
    return compiled;
  };
}

/**
 * Instantiates `module` on a fresh memory of at least `bytes` bytes (the kernels import it as
 * env.memory); `fn(name)` is that export, or null where it is not a function.
 */
export function instantiate(
  module: WebAssembly.Module,
  bytes: number,
): { memory: WebAssembly.Memory; fn: (name: string) => KernelFn | null } {
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / PAGE) });
  const { exports } = new WebAssembly.Instance(module, { env: { memory } });
  return {
    memory,
    fn: (name) => {
      const f = exports[name];
      return isKernelFn(f) ? f : null;
    },
  };
}

/** Grows `memory` so that byte offset `end` lies inside it (earlier views are detached). */
export function growTo(memory: WebAssembly.Memory, end: number): void {
  const have = memory.buffer.byteLength;
  if (end > have) memory.grow(Math.ceil((end - have) / PAGE));
}

function isKernelFn(f: unknown): f is KernelFn {
  return typeof f === 'function';
}
