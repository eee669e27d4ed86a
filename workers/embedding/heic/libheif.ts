// libheif (with libde265 for HEVC), compiled to WebAssembly: the HEIC decoder for browsers that
// have none of their own. Our build with WebAssembly SIMD (scripts/build-libheif.sh), or libheif-js'
// where SIMD is missing; each shipped as its own file (LGPL; see docs/heic.md) and loaded the first
// time a decoder meets a HEIC file.

/** Photos above this are refused: HEVC has no reduced-scale decode, so all of it is decoded. */
export const MAX_HEIC_PIXELS = 64_000_000;

/**
 * Whether this engine runs WebAssembly SIMD (Chrome 91, Firefox 89, Safari 16.4), which our libheif
 * build needs: a module of one function that splats an i32 into a v128 must validate.
 */
export function hasWasmSimd(): boolean {
  // (func (result v128) (i8x16.splat (i32.const 0)))
  const module = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03,
    0x02, 0x01, 0x00, 0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0xfd, 0x0f, 0x0b,
  ]);
  try {
    return WebAssembly.validate(module);
  } catch {
    return false;
  }
}

/** An enum value or error code as libheif-js' embind bindings hand it over. */
interface EnumValue {
  value: number;
}

interface HeifError {
  code: EnumValue;
  message: string;
}

interface DecodedImage {
  image: object;
  width: number;
  height: number;
  channels: { id: EnumValue; width: number; height: number; stride: number; data: Uint8Array }[];
}

/** The part of libheif-js' module this app calls (its own typings: libheif-wasm/libheif.d.ts). */
export interface Libheif {
  heif_get_version(): string;
  heif_context_alloc(): object;
  heif_context_free(context: object): void;
  heif_context_read_from_memory(context: object, bytes: Uint8Array): HeifError;
  heif_js_context_get_primary_image_handle(context: object): object | HeifError;
  heif_image_handle_get_width(handle: object): number;
  heif_image_handle_get_height(handle: object): number;
  heif_image_handle_release(handle: object): void;
  heif_js_decode_image2(
    handle: object,
    colorspace: EnumValue,
    chroma: EnumValue,
  ): DecodedImage | HeifError | Promise<DecodedImage | HeifError>;
  heif_image_release(image: object): void;
  heif_colorspace: { heif_colorspace_RGB: EnumValue };
  heif_chroma: { heif_chroma_interleaved_RGBA: EnumValue };
  heif_channel: { heif_channel_interleaved: EnumValue };
}

export type LibheifFactory = () => Promise<Libheif>;

/** What a decode gives to its user: RGBA rows, valid only until the user's promise settles. */
export interface HeifPixels {
  data: Uint8ClampedArray<ArrayBuffer>;
  width: number;
  height: number;
}

const isError = (x: object): x is HeifError => 'code' in x && 'message' in x;

/** A libheif message as a sentence's clause; its own words say what is wrong with the file. */
class HeifDecodeError extends Error {}

/**
 * One libheif instance and one full-size decode at a time: a 48 MP photo takes about 200 MB as
 * RGBA plus its YCbCr planes, and two at once would double that in the same worker.
 */
export class HeifDecoder {
  readonly #load: LibheifFactory;
  #lib: Promise<Libheif> | undefined;
  #turn: Promise<unknown> = Promise.resolve();

  constructor(load: LibheifFactory) {
    this.#load = load;
  }

  /**
   * Decodes the primary image of a HEIF file, with its grid assembled and its irot/imir applied
   * (libheif's defaults), as 8-bit RGBA whatever its bit depth, and hands the pixels to `use`.
   * The pixels live in the decoder's memory: `use` must copy or draw them before it settles.
   */
  decode<T>(bytes: Uint8Array, use: (pixels: HeifPixels) => Promise<T> | T): Promise<T> {
    return this.exclusive(() => this.#decode(bytes, use));
  }

  /** Runs `work` when no other full-size decode is under way here (the browser's own too). */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#turn.then(work);
    this.#turn = run.catch(() => undefined);
    return run;
  }

  async #decode<T>(bytes: Uint8Array, use: (pixels: HeifPixels) => Promise<T> | T): Promise<T> {
    this.#lib ??= this.#load().catch((e: unknown) => {
      this.#lib = undefined; // offline on first use: a later file tries again
      throw e;
    });
    const lib = await this.#lib;
    const context = lib.heif_context_alloc();
    let handle: object | undefined;
    let image: object | undefined;
    let heapBytes = 0;
    try {
      const read = lib.heif_context_read_from_memory(context, bytes);
      if (read.code.value !== 0) throw new HeifDecodeError(read.message);
      const primary = lib.heif_js_context_get_primary_image_handle(context);
      if (isError(primary)) throw new HeifDecodeError(primary.message);
      handle = primary;
      const width = lib.heif_image_handle_get_width(handle);
      const height = lib.heif_image_handle_get_height(handle);
      if (width * height > MAX_HEIC_PIXELS)
        throw new HeifDecodeError(
          `${Math.round((width * height) / 1e6)} MP is above the ${MAX_HEIC_PIXELS / 1e6} MP limit for HEIC photos`,
        );
      const decoded = await lib.heif_js_decode_image2(
        handle,
        lib.heif_colorspace.heif_colorspace_RGB,
        lib.heif_chroma.heif_chroma_interleaved_RGBA,
      );
      if (isError(decoded)) throw new HeifDecodeError(decoded.message);
      image = decoded.image;
      const plane = decoded.channels.find(
        (c) => c.id.value === lib.heif_channel.heif_channel_interleaved.value,
      );
      if (!plane) throw new HeifDecodeError('no RGBA plane');
      heapBytes = plane.data.buffer.byteLength;
      return await use({ data: rows(plane), width: plane.width, height: plane.height });
    } finally {
      if (image) lib.heif_image_release(image);
      if (handle) lib.heif_image_handle_release(handle);
      lib.heif_context_free(context);
      // WebAssembly memory never shrinks: after a large photo, let the instance go.
      if (heapBytes > KEEP_HEAP_BYTES) this.#lib = undefined;
    }
  }
}

/** Heap kept between photos; a 12 MP photo fits, a 48 MP one costs a fresh instance after it. */
const KEEP_HEAP_BYTES = 256 * 2 ** 20;

/** The plane's rows without padding: a view where rows are packed, else a packed copy. */
function rows(plane: DecodedImage['channels'][number]): Uint8ClampedArray<ArrayBuffer> {
  const { data, width, height, stride } = plane;
  const rowBytes = width * 4;
  // libheif-js' data views the module's (never shared) memory.
  const buffer = data.buffer as ArrayBuffer;
  if (stride === rowBytes) return new Uint8ClampedArray(buffer, data.byteOffset, rowBytes * height);
  const packed = new Uint8ClampedArray(rowBytes * height);
  for (let y = 0; y < height; y++)
    packed.set(data.subarray(y * stride, y * stride + rowBytes), y * rowBytes);
  return packed;
}

/** Whether an error came from libheif reading the file (the file's fault, not the browser's). */
export const isHeifDecodeError = (e: unknown): e is Error => e instanceof HeifDecodeError;
