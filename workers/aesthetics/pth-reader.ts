/**
 * Reads PyTorch state dicts saved with `torch.save` (the zip format, PyTorch ≥ 1.6) so the page
 * can load small public heads such as the LAION aesthetic predictor without a Python runtime.
 *
 * The pickle inside is interpreted by a deliberately tiny virtual machine: it knows only the
 * opcodes `torch.save` emits for tensors in dicts, and GLOBAL resolves a fixed allow-list of
 * names to inert markers. Nothing in a file can make this code call anything, so a `.pth`
 * downloaded from the internet can describe tensors and nothing else.
 */
import { errorMessage } from '../../src/core/errors';
import { unzipSync, type Unzipped } from 'fflate';

export interface TensorData {
  shape: number[];
  data: Float32Array;
}

export interface LinearHead {
  weight: Float32Array;
  bias: number;
  inputDim: number;
}

type StorageDtype = 'float32' | 'float64' | 'float16' | 'bfloat16';

const STORAGE_CLASSES: ReadonlyMap<string, StorageDtype> = new Map([
  ['torch.FloatStorage', 'float32'],
  ['torch.DoubleStorage', 'float64'],
  ['torch.HalfStorage', 'float16'],
  ['torch.BFloat16Storage', 'bfloat16'],
]);

const BYTES_PER_ELEMENT: Readonly<Record<StorageDtype, number>> = {
  float32: 4,
  float64: 8,
  float16: 2,
  bfloat16: 2,
};

const ORDERED_DICT = 'collections.OrderedDict';
const REBUILD_TENSOR_V2 = 'torch._utils._rebuild_tensor_v2';
const REBUILD_PARAMETER = 'torch._utils._rebuild_parameter';
const CALLABLES: ReadonlySet<string> = new Set([
  ORDERED_DICT,
  REBUILD_TENSOR_V2,
  REBUILD_PARAMETER,
]);

/** A name that GLOBAL resolved from the allow-list; it is only ever compared, never run. */
class PickleGlobal {
  constructor(readonly name: string) {}
}

class PickleTuple {
  constructor(readonly items: readonly PickleValue[]) {}
}

type DictKey = string | number | bigint | boolean | null;

class PickleDict {
  readonly entries = new Map<DictKey, PickleValue>();
}

class StorageRef {
  constructor(
    readonly key: string,
    readonly dtype: StorageDtype,
    readonly numel: number,
  ) {}
}

class PickleTensor {
  constructor(readonly tensor: TensorData) {}
}

type PickleValue =
  DictKey | PickleValue[] | PickleTuple | PickleDict | PickleGlobal | StorageRef | PickleTensor;

type StorageLoader = (ref: StorageRef) => Float32Array;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bounds-checked cursor: every read past the end becomes a "truncated" error, not garbage. */
class ByteReader {
  private pos = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get offset(): number {
    return this.pos;
  }

  private take(n: number): number {
    if (this.pos + n > this.bytes.length) {
      throw new Error(
        `the pickle (data.pkl) ends unexpectedly at byte ${this.bytes.length}; the file is truncated or corrupt`,
      );
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(): number {
    return this.view.getUint8(this.take(1));
  }
  u16(): number {
    return this.view.getUint16(this.take(2), true);
  }
  u32(): number {
    return this.view.getUint32(this.take(4), true);
  }
  i32(): number {
    return this.view.getInt32(this.take(4), true);
  }
  f64be(): number {
    return this.view.getFloat64(this.take(8), false);
  }
  bytesOf(n: number): Uint8Array {
    const at = this.take(n);
    return this.bytes.subarray(at, at + n);
  }
  text(n: number): string {
    const raw = this.bytesOf(n);
    try {
      return utf8.decode(raw);
    } catch {
      throw new Error(`the pickle holds a string that is not valid UTF-8 near byte ${this.pos}`);
    }
  }
  line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    const value = this.text((end < 0 ? this.bytes.length + 1 : end) - this.pos);
    this.pos += 1;
    return value;
  }
}

function describe(value: PickleValue): string {
  if (value === null) return 'None';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof PickleTuple) return `a tuple of ${value.items.length}`;
  if (value instanceof PickleDict) return 'a dict';
  if (value instanceof PickleGlobal) return value.name;
  if (value instanceof StorageRef) return 'a storage';
  if (value instanceof PickleTensor) return 'a tensor';
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function isDictKey(value: PickleValue): value is DictKey {
  return value === null || ['string', 'number', 'bigint', 'boolean'].includes(typeof value);
}

function intOf(value: PickleValue | undefined, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${what} should be a non-negative integer, found ${describeMaybe(value)}`);
  }
  return value;
}

function describeMaybe(value: PickleValue | undefined): string {
  return value === undefined ? 'nothing' : describe(value);
}

function intTuple(value: PickleValue | undefined, what: string): number[] {
  if (!(value instanceof PickleTuple)) {
    throw new Error(`${what} should be a tuple of integers, found ${describeMaybe(value)}`);
  }
  return value.items.map((item) => intOf(item, `each entry of ${what}`));
}

function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

function persistentLoad(pid: PickleValue): StorageRef {
  if (!(pid instanceof PickleTuple) || pid.items[0] !== 'storage') {
    throw new Error(
      `unsupported persistent id ${describe(pid)}; only tensor storages can be referenced`,
    );
  }
  const [, storageClass, key, , numel] = pid.items;
  const dtype =
    storageClass instanceof PickleGlobal ? STORAGE_CLASSES.get(storageClass.name) : undefined;
  if (dtype === undefined) {
    throw new Error(`unsupported storage type ${describeMaybe(storageClass)}`);
  }
  if (typeof key !== 'string') {
    throw new Error(`a storage key should be a string, found ${describeMaybe(key)}`);
  }
  return new StorageRef(key, dtype, intOf(numel, 'a storage size'));
}

function rebuildTensor(args: readonly PickleValue[], loadStorage: StorageLoader): PickleTensor {
  const [storage, offsetValue, sizeValue, strideValue] = args;
  if (!(storage instanceof StorageRef)) {
    throw new Error(`a tensor should be built from a storage, found ${describeMaybe(storage)}`);
  }
  const offset = intOf(offsetValue, 'a storage offset');
  const shape = intTuple(sizeValue, 'a tensor shape');
  const stride = intTuple(strideValue, 'a tensor stride');
  if (stride.length !== shape.length) {
    throw new Error(
      `a tensor of shape ${formatShape(shape)} has stride ${formatShape(stride)} of another rank`,
    );
  }
  const numel = shape.reduce((product, size) => product * size, 1);
  // Dimensions of size 1 may carry any stride (torch does not normalise them), and an empty
  // tensor reads nothing, so only the strides that actually move through memory must match.
  let expected = 1;
  for (let dim = shape.length - 1; dim >= 0 && numel > 0; dim--) {
    const size = shape[dim] ?? 0;
    if (size !== 1 && stride[dim] !== expected) {
      throw new Error(
        `a tensor of shape ${formatShape(shape)} has non-contiguous stride ${formatShape(stride)}; ` +
          'save tensor.contiguous() instead',
      );
    }
    expected *= size;
  }
  if (offset + numel > storage.numel) {
    throw new Error(
      `a tensor of shape ${formatShape(shape)} at offset ${offset} needs ${numel} values, ` +
        `but its storage '${storage.key}' holds only ${storage.numel}`,
    );
  }
  const values = loadStorage(storage);
  return new PickleTensor({ shape, data: values.slice(offset, offset + numel) });
}

function call(callable: PickleValue, args: PickleValue, loadStorage: StorageLoader): PickleValue {
  if (!(callable instanceof PickleGlobal) || !CALLABLES.has(callable.name)) {
    throw new Error(`the pickle tries to call ${describe(callable)}, which is not allowed`);
  }
  if (!(args instanceof PickleTuple)) {
    throw new Error(`${callable.name} should be called with a tuple, found ${describe(args)}`);
  }
  switch (callable.name) {
    case ORDERED_DICT:
      if (args.items.length > 0) {
        throw new Error('OrderedDict with constructor arguments is not supported');
      }
      return new PickleDict();
    case REBUILD_TENSOR_V2:
      return rebuildTensor(args.items, loadStorage);
    default: {
      // _rebuild_parameter(data, requires_grad, backward_hooks): a Parameter is just its tensor here.
      const [data] = args.items;
      if (!(data instanceof PickleTensor)) {
        throw new Error(`a parameter should wrap a tensor, found ${describeMaybe(data)}`);
      }
      return data;
    }
  }
}

function resolveGlobal(module: string, name: string): PickleGlobal {
  const qualified = `${module}.${name}`;
  if (!CALLABLES.has(qualified) && !STORAGE_CLASSES.has(qualified)) {
    throw new Error(`unsupported class ${qualified}: a .pth file may only describe tensors`);
  }
  return new PickleGlobal(qualified);
}

const OP = {
  MARK: 0x28,
  EMPTY_TUPLE: 0x29,
  STOP: 0x2e,
  BINFLOAT: 0x47,
  BININT: 0x4a,
  BININT1: 0x4b,
  BININT2: 0x4d,
  NONE: 0x4e,
  BINPERSID: 0x51,
  REDUCE: 0x52,
  BINUNICODE: 0x58,
  EMPTY_LIST: 0x5d,
  APPEND: 0x61,
  BUILD: 0x62,
  GLOBAL: 0x63,
  APPENDS: 0x65,
  BINGET: 0x68,
  LONG_BINGET: 0x6a,
  BINPUT: 0x71,
  LONG_BINPUT: 0x72,
  SETITEM: 0x73,
  TUPLE: 0x74,
  SETITEMS: 0x75,
  EMPTY_DICT: 0x7d,
  PROTO: 0x80,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  LONG1: 0x8a,
  SHORT_BINUNICODE: 0x8c,
  STACK_GLOBAL: 0x93,
  MEMOIZE: 0x94,
  FRAME: 0x95,
} as const;

/** Names of the opcodes this reader refuses, so the error says which one it met. */
const OPCODE_NAMES: Readonly<Record<number, string>> = {
  0x49: 'INT',
  0x4c: 'LONG',
  0x46: 'FLOAT',
  0x53: 'STRING',
  0x54: 'BINSTRING',
  0x55: 'SHORT_BINSTRING',
  0x56: 'UNICODE',
  0x42: 'BINBYTES',
  0x43: 'SHORT_BINBYTES',
  0x8b: 'LONG4',
  0x8d: 'BINUNICODE8',
  0x8e: 'BINBYTES8',
  0x8f: 'EMPTY_SET',
  0x90: 'ADDITEMS',
  0x91: 'FROZENSET',
  0x92: 'NEWOBJ_EX',
  0x81: 'NEWOBJ',
  0x82: 'EXT1',
  0x83: 'EXT2',
  0x84: 'EXT4',
  0x69: 'INST',
  0x6f: 'OBJ',
  0x50: 'PERSID',
  0x70: 'PUT',
  0x67: 'GET',
  0x30: 'POP',
  0x31: 'POP_MARK',
  0x32: 'DUP',
  0x64: 'DICT',
  0x6c: 'LIST',
  0x96: 'BYTEARRAY8',
  0x97: 'NEXT_BUFFER',
  0x98: 'READONLY_BUFFER',
};

function unpickle(bytes: Uint8Array, loadStorage: StorageLoader): PickleValue {
  const reader = new ByteReader(bytes);
  const stack: PickleValue[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PickleValue>();

  const pop = (): PickleValue => {
    const value = stack.length === marks.at(-1) ? undefined : stack.pop();
    if (value === undefined) {
      throw new Error(`the pickle pops from an empty stack at byte ${reader.offset}`);
    }
    return value;
  };
  const top = (): PickleValue => {
    const value = stack.at(-1);
    if (value === undefined || stack.length === marks.at(-1)) {
      throw new Error(`the pickle reads an empty stack at byte ${reader.offset}`);
    }
    return value;
  };
  const popMark = (): PickleValue[] => {
    const mark = marks.pop();
    if (mark === undefined) throw new Error(`the pickle has no MARK before byte ${reader.offset}`);
    return stack.splice(mark);
  };
  const memoGet = (key: number): PickleValue => {
    const value = memo.get(key);
    if (value === undefined) throw new Error(`the pickle refers to missing memo entry ${key}`);
    return value;
  };
  const setItems = (target: PickleValue, items: readonly PickleValue[]): void => {
    if (!(target instanceof PickleDict)) {
      throw new Error(`the pickle sets items on ${describe(target)}, which is not a dict`);
    }
    if (items.length % 2 !== 0) throw new Error('the pickle sets a dict key without a value');
    for (let i = 0; i < items.length; i += 2) {
      const key = items[i] ?? null;
      if (!isDictKey(key)) throw new Error(`unsupported dict key ${describe(key)}`);
      target.entries.set(key, items[i + 1] ?? null);
    }
  };
  const append = (target: PickleValue, items: readonly PickleValue[]): void => {
    if (!Array.isArray(target)) {
      throw new Error(`the pickle appends to ${describe(target)}, which is not a list`);
    }
    target.push(...items);
  };

  for (;;) {
    const opcode = reader.u8();
    switch (opcode) {
      case OP.PROTO: {
        const version = reader.u8();
        if (version > 5) throw new Error(`unsupported pickle protocol ${version}`);
        break;
      }
      case OP.FRAME: // Frames only help streaming readers; the whole pickle is already in memory.
        reader.bytesOf(8);
        break;
      case OP.GLOBAL:
        stack.push(resolveGlobal(reader.line(), reader.line()));
        break;
      case OP.STACK_GLOBAL: {
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') {
          throw new Error('STACK_GLOBAL needs a module name and a class name');
        }
        stack.push(resolveGlobal(module, name));
        break;
      }
      case OP.MARK:
        marks.push(stack.length);
        break;
      case OP.EMPTY_DICT:
        stack.push(new PickleDict());
        break;
      case OP.EMPTY_TUPLE:
        stack.push(new PickleTuple([]));
        break;
      case OP.EMPTY_LIST:
        stack.push([]);
        break;
      case OP.BINUNICODE:
        stack.push(reader.text(reader.u32()));
        break;
      case OP.SHORT_BINUNICODE:
        stack.push(reader.text(reader.u8()));
        break;
      case OP.BINPUT:
        memo.set(reader.u8(), top());
        break;
      case OP.LONG_BINPUT:
        memo.set(reader.u32(), top());
        break;
      case OP.MEMOIZE:
        memo.set(memo.size, top());
        break;
      case OP.BINGET:
        stack.push(memoGet(reader.u8()));
        break;
      case OP.LONG_BINGET:
        stack.push(memoGet(reader.u32()));
        break;
      case OP.BININT:
        stack.push(reader.i32());
        break;
      case OP.BININT1:
        stack.push(reader.u8());
        break;
      case OP.BININT2:
        stack.push(reader.u16());
        break;
      case OP.LONG1: {
        // Little-endian two's complement of n bytes.
        const digits = reader.bytesOf(reader.u8());
        let value = 0n;
        for (let i = digits.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(digits[i] ?? 0);
        if (digits.length > 0 && (digits[digits.length - 1] ?? 0) >= 0x80) {
          value -= 1n << BigInt(8 * digits.length);
        }
        const asNumber = Number(value);
        stack.push(Number.isSafeInteger(asNumber) ? asNumber : value);
        break;
      }
      case OP.BINFLOAT:
        stack.push(reader.f64be());
        break;
      case OP.NONE:
        stack.push(null);
        break;
      case OP.NEWTRUE:
        stack.push(true);
        break;
      case OP.NEWFALSE:
        stack.push(false);
        break;
      case OP.TUPLE:
        stack.push(new PickleTuple(popMark()));
        break;
      case OP.TUPLE1:
        stack.push(new PickleTuple([pop()]));
        break;
      case OP.TUPLE2: {
        const second = pop();
        stack.push(new PickleTuple([pop(), second]));
        break;
      }
      case OP.TUPLE3: {
        const third = pop();
        const second = pop();
        stack.push(new PickleTuple([pop(), second, third]));
        break;
      }
      case OP.REDUCE: {
        const args = pop();
        stack.push(call(pop(), args, loadStorage));
        break;
      }
      case OP.BUILD: {
        // torch attaches `_metadata` (per-module versions) to the OrderedDict this way;
        // tensors never need it, so dict state is accepted and dropped.
        const state = pop();
        const target = top();
        if (!(target instanceof PickleDict)) {
          throw new Error(`the pickle sets state ${describe(state)} on ${describe(target)}`);
        }
        break;
      }
      case OP.SETITEM: {
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case OP.SETITEMS: {
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case OP.APPEND: {
        const value = pop();
        append(top(), [value]);
        break;
      }
      case OP.APPENDS: {
        const items = popMark();
        append(top(), items);
        break;
      }
      case OP.BINPERSID:
        stack.push(persistentLoad(pop()));
        break;
      case OP.STOP:
        return pop();
      default: {
        const name = OPCODE_NAMES[opcode] ?? `0x${opcode.toString(16).padStart(2, '0')}`;
        throw new Error(
          `unsupported pickle opcode ${name} at byte ${reader.offset - 1}; ` +
            'this does not look like a plain torch.save state dict',
        );
      }
    }
  }
}

function decodeHalf(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

// bfloat16 is the top half of a float32, so widening is a shift through a shared word.
const bfloatWord = new Uint32Array(1);
const bfloatValue = new Float32Array(bfloatWord.buffer);

function decodeStorage(bytes: Uint8Array, dtype: StorageDtype, numel: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(numel);
  switch (dtype) {
    case 'float32':
      for (let i = 0; i < numel; i++) out[i] = view.getFloat32(i * 4, true);
      break;
    case 'float64':
      for (let i = 0; i < numel; i++) out[i] = view.getFloat64(i * 8, true);
      break;
    case 'float16':
      for (let i = 0; i < numel; i++) out[i] = decodeHalf(view.getUint16(i * 2, true));
      break;
    case 'bfloat16':
      for (let i = 0; i < numel; i++) {
        bfloatWord[0] = view.getUint16(i * 2, true) << 16;
        out[i] = bfloatValue[0] ?? 0;
      }
      break;
  }
  return out;
}

function unzipPth(bytes: Uint8Array): Unzipped {
  const isZip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (!isZip) {
    if (bytes[0] === 0x80) {
      throw new Error(
        'this is a legacy (pre-1.6) torch.save file, not the zip format; re-save it with a newer PyTorch',
      );
    }
    throw new Error('not a PyTorch zip file (it does not start with a zip signature)');
  }
  try {
    return unzipSync(bytes);
  } catch (error) {
    const reason = errorMessage(error);
    throw new Error(`not a readable PyTorch zip file (truncated or corrupt?): ${reason}`, {
      cause: error,
    });
  }
}

/** Reads every tensor of a `torch.save(state_dict)` file, in the order they were saved. */
export function readStateDict(bytes: Uint8Array): Map<string, TensorData> {
  const entries = unzipPth(bytes);
  const pickles = Object.keys(entries).filter((name) => /^([^/]+\/)?data\.pkl$/.test(name));
  const [pickleName] = pickles;
  if (pickleName === undefined) throw new Error('not a PyTorch zip file (no data.pkl)');
  if (pickles.length > 1) {
    throw new Error(`not a single PyTorch file: it holds several data.pkl (${pickles.join(', ')})`);
  }
  const prefix = pickleName.slice(0, -'data.pkl'.length);

  const byteorder = entries[`${prefix}byteorder`];
  if (byteorder !== undefined) {
    const order = new TextDecoder().decode(byteorder).trim();
    if (order === 'big') {
      throw new Error(
        'this file stores big-endian tensors, which are not supported; re-save it on a little-endian machine',
      );
    }
    if (order !== 'little') throw new Error(`unknown byte order "${order}" in ${prefix}byteorder`);
  }

  const storages = new Map<string, { dtype: StorageDtype; values: Float32Array }>();
  const loadStorage: StorageLoader = (ref) => {
    const cached = storages.get(ref.key);
    if (cached !== undefined) {
      if (cached.dtype !== ref.dtype || cached.values.length !== ref.numel) {
        throw new Error(`storage '${ref.key}' is described twice with different types or sizes`);
      }
      return cached.values;
    }
    const name = `${prefix}data/${ref.key}`;
    const raw = entries[name];
    if (raw === undefined)
      throw new Error(`storage '${ref.key}' is missing (no ${name} in the zip)`);
    const needed = ref.numel * BYTES_PER_ELEMENT[ref.dtype];
    if (raw.length < needed) {
      throw new Error(
        `storage '${ref.key}' is truncated: expected ${needed} bytes, found ${raw.length}`,
      );
    }
    const values = decodeStorage(raw, ref.dtype, ref.numel);
    storages.set(ref.key, { dtype: ref.dtype, values });
    return values;
  };

  const pickled = entries[pickleName];
  const root = unpickle(pickled ?? new Uint8Array(), loadStorage);
  if (!(root instanceof PickleDict)) {
    throw new Error(`expected a dict of tensors (a state_dict), found ${describe(root)}`);
  }
  const tensors = new Map<string, TensorData>();
  for (const [key, value] of root.entries) {
    if (typeof key !== 'string') throw new Error(`state_dict key ${String(key)} is not a string`);
    if (!(value instanceof PickleTensor)) {
      throw new Error(
        `state_dict entry '${key}' is ${describe(value)}, not a tensor; save model.state_dict()`,
      );
    }
    tensors.set(key, value.tensor);
  }
  return tensors;
}

/**
 * A single-output linear layer (keys weight [1,D] and bias [1]; tolerate a "layers.0." style
 * prefix or a one-layer Sequential). A missing bias reads as 0, as for `Linear(bias=False)`.
 */
export function readLinearHead(bytes: Uint8Array): LinearHead {
  const tensors = readStateDict(bytes);
  const weightKeys = [...tensors.keys()].filter(
    (key) => key === 'weight' || key.endsWith('.weight'),
  );
  const [weightKey] = weightKeys;
  if (weightKey === undefined) {
    throw new Error(
      `expected a linear layer, but the file has no weight tensor (keys: ${[...tensors.keys()].join(', ') || 'none'})`,
    );
  }
  if (weightKeys.length > 1) {
    throw new Error(
      `expected a single linear layer, found ${weightKeys.length} weight tensors (${weightKeys.join(', ')})`,
    );
  }
  const weight = tensors.get(weightKey);
  const shape = weight?.shape ?? [];
  const inputDim = shape[1] ?? 0;
  if (weight === undefined || shape.length !== 2 || shape[0] !== 1 || inputDim < 1) {
    throw new Error(
      `expected a linear layer with one output, found ${weightKey} of shape ${formatShape(shape)}`,
    );
  }
  const biasKey = `${weightKey.slice(0, -'weight'.length)}bias`;
  const bias = tensors.get(biasKey);
  if (bias !== undefined && bias.data.length !== 1) {
    throw new Error(
      `expected a linear layer with one output, found ${biasKey} of shape ${formatShape(bias.shape)}`,
    );
  }
  return { weight: weight.data, bias: bias?.data[0] ?? 0, inputDim };
}

/** The head's score for one embedding: weight · embedding + bias. */
export function applyLinearHead(head: LinearHead, embedding: Float32Array): number {
  if (embedding.length !== head.inputDim) {
    throw new Error(
      `the embedding has ${embedding.length} values but the head expects ${head.inputDim}; ` +
        'was it computed by a different CLIP model?',
    );
  }
  let sum = head.bias;
  for (let i = 0; i < head.inputDim; i++) sum += (head.weight[i] ?? 0) * (embedding[i] ?? 0);
  return sum;
}
