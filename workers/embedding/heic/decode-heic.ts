// HEIC/HEIF in a worker: the browser's own decoder where it has one (Safari), else libheif.
import { LIBHEIF_FILE, LIBHEIF_JS_FILE } from '../../../src/core/cache-names';
import { HEAD_BYTES } from '../image-header';
import { heifDisplaySize } from './heif-boxes';
import { HeifDecoder, hasWasmSimd, isHeifDecodeError, type Libheif } from './libheif';

/** A decoded photo brought down to a size, and its full size as shown. */
export interface ScaledHeic {
  bitmap: ImageBitmap;
  width: number;
  height: number;
}

/** The size to bring a width × height picture down to (never up). */
export type FitSize = (width: number, height: number) => { width: number; height: number };

const isFactoryModule = (m: unknown): m is { default: () => Promise<object> } =>
  typeof m === 'object' && m !== null && 'default' in m && typeof m.default === 'function';

/**
 * libheif as shipped beside the app (vite.config.ts), imported on first use: our SIMD build, or
 * libheif-js' own where this browser has no WebAssembly SIMD (the same API, slower).
 */
async function loadShippedLibheif(): Promise<Libheif> {
  const file = hasWasmSimd() ? LIBHEIF_FILE : LIBHEIF_JS_FILE;
  const url = new URL(`${import.meta.env.BASE_URL}${file}`, self.location.href).href;
  let module: unknown;
  try {
    module = await import(/* @vite-ignore */ url);
  } catch (e) {
    throw new Error(
      `the HEIC decoder could not be loaded (${e instanceof Error ? e.message : String(e)}); add the folder again once online`,
    );
  }
  if (!isFactoryModule(module)) throw new Error('the HEIC decoder file is not libheif');
  // Both modules have libheif's own embind API (libheif/heif_emscripten.h and post.js), typed in
  // ./libheif.ts after libheif-js 1.23's libheif-wasm/libheif.d.ts.
  return (await module.default()) as Libheif;
}

const decoder = new HeifDecoder(loadShippedLibheif);
/** Set once this browser's own decoder failed on a file that libheif then decoded. */
let noNativeHeic = false;

/**
 * Decodes a HEIC and brings it down to `sizeFor`'s size in one step, so one decode serves both the
 * thumbnail and the model (and, for the viewer, the screen). `shown` is the header's displayed
 * size where known, which lets the browser's decoder resize while it decodes.
 */
export async function decodeHeic(
  blob: Blob,
  sizeFor: FitSize,
  shown?: { width: number; height: number },
): Promise<ScaledHeic> {
  if (!noNativeHeic) {
    const native = await decoder
      .exclusive(() => decodeNatively(blob, sizeFor, shown))
      .catch(() => undefined);
    if (native) return native;
  }
  const bytes = new Uint8Array(await blob.arrayBuffer());
  try {
    const scaled = await decoder.decode(bytes, async (pixels) => {
      const size = sizeFor(pixels.width, pixels.height);
      const full = new ImageData(pixels.data, pixels.width, pixels.height);
      const bitmap = await createImageBitmap(full, {
        resizeWidth: size.width,
        resizeHeight: size.height,
        resizeQuality: 'high',
      });
      return { bitmap, width: pixels.width, height: pixels.height };
    });
    noNativeHeic = true;
    return scaled;
  } catch (e) {
    if (isHeifDecodeError(e)) throw new Error(`libheif: ${e.message}`);
    throw e;
  }
}

async function decodeNatively(
  blob: Blob,
  sizeFor: FitSize,
  shown: { width: number; height: number } | undefined,
): Promise<ScaledHeic> {
  const options: ImageBitmapOptions = {
    imageOrientation: 'from-image',
    colorSpaceConversion: 'default',
  };
  if (shown) {
    const size = sizeFor(shown.width, shown.height);
    Object.assign(options, {
      resizeWidth: size.width,
      resizeHeight: size.height,
      resizeQuality: 'high',
    });
  }
  const bitmap = await createImageBitmap(blob, options);
  if (shown) return { bitmap, width: shown.width, height: shown.height };
  // No size in the header: the bitmap is full-size; bring it down as libheif's would be.
  const size = sizeFor(bitmap.width, bitmap.height);
  const scaled = await createImageBitmap(bitmap, {
    resizeWidth: size.width,
    resizeHeight: size.height,
    resizeQuality: 'high',
  });
  const full = { width: bitmap.width, height: bitmap.height };
  bitmap.close();
  return { bitmap: scaled, ...full };
}

/** A HEIC as a JPEG the page can show, its long side at most `longSide`. */
export async function heicForScreen(blob: Blob, longSide: number): Promise<Blob> {
  const sizeFor: FitSize = (w, h) => {
    const k = Math.min(1, longSide / Math.max(w, h));
    return { width: Math.max(1, Math.round(w * k)), height: Math.max(1, Math.round(h * k)) };
  };
  const head = new Uint8Array(await blob.slice(0, HEAD_BYTES).arrayBuffer());
  const { bitmap } = await decodeHeic(blob, sizeFor, heifDisplaySize(head));
  try {
    const size = sizeFor(bitmap.width, bitmap.height);
    const canvas = new OffscreenCanvas(size.width, size.height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('2D canvas unavailable');
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, 0, 0, size.width, size.height);
    return await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
  } finally {
    bitmap.close();
  }
}
