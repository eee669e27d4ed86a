import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { describe, expect, it } from 'vitest';
import { applyLinearHead, readLinearHead, readStateDict } from './pth-reader';
// Written by the same /usr/bin/python3 + torch 1.13 run that saved the fixtures in testdata/.
import expected from './testdata/expected.json';

const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(path.resolve(import.meta.dirname, 'testdata', name)));

const values = (data: Float32Array): number[] => Array.from(data);

/** Re-zips a fixture after `edit` changed its entries, to forge damaged or hostile files. */
function rezip(name: string, edit: (entries: Zippable) => void): Uint8Array {
  const entries: Zippable = { ...unzipSync(fixture(name)) };
  edit(entries);
  return zipSync(entries, { level: 0 });
}

/** A zip that looks like torch.save output but carries the given pickle bytes. */
function zipWithPickle(pickle: number[] | Uint8Array): Uint8Array {
  return zipSync({ 'archive/data.pkl': new Uint8Array(pickle), 'archive/version': strToU8('3\n') });
}

const ascii = (text: string): number[] => Array.from(strToU8(text));

describe('readStateDict', () => {
  it('reads a Linear(8,1) state dict saved by torch 1.13 (STORED entries)', () => {
    const tensors = readStateDict(fixture('linear-8.pth'));
    expect([...tensors.keys()]).toEqual(['weight', 'bias']);
    expect(tensors.get('weight')?.shape).toEqual([1, 8]);
    expect(values(tensors.get('weight')?.data ?? new Float32Array())).toEqual(
      expected.linear8.weight,
    );
    expect(tensors.get('bias')?.shape).toEqual([1]);
    expect(values(tensors.get('bias')?.data ?? new Float32Array())).toEqual([
      expected.linear8.bias,
    ]);
  });

  it('reads the same file re-zipped with DEFLATE under another top-level folder', () => {
    const tensors = readStateDict(fixture('linear-8-deflate.pth'));
    expect(values(tensors.get('weight')?.data ?? new Float32Array())).toEqual(
      expected.linear8.weight,
    );
  });

  it('reads pickle protocol 4 (FRAME, MEMOIZE, SHORT_BINUNICODE, STACK_GLOBAL)', () => {
    const tensors = readStateDict(fixture('linear-8-protocol4.pth'));
    expect(values(tensors.get('weight')?.data ?? new Float32Array())).toEqual(
      expected.linear8.weight,
    );
    expect(values(tensors.get('bias')?.data ?? new Float32Array())).toEqual([
      expected.linear8.bias,
    ]);
  });

  it('widens float16, bfloat16 and float64 storages to float32 exactly as torch does', () => {
    const tensors = readStateDict(fixture('dtypes.pth'));
    for (const [key, want] of Object.entries(expected.dtypes)) {
      const tensor = tensors.get(key);
      expect(tensor?.shape, key).toEqual(want.shape);
      expect(values(tensor?.data ?? new Float32Array()), key).toEqual(want.data);
    }
  });

  it('honours storage_offset of views that share a larger storage', () => {
    const tensors = readStateDict(fixture('offset.pth'));
    const { rows, flat } = expected.offset;
    expect(rows.offset).toBeGreaterThan(0);
    expect(tensors.get('rows')?.shape).toEqual(rows.shape);
    expect(values(tensors.get('rows')?.data ?? new Float32Array())).toEqual(rows.data);
    expect(tensors.get('flat')?.shape).toEqual(flat.shape);
    expect(values(tensors.get('flat')?.data ?? new Float32Array())).toEqual(flat.data);
  });

  it('refuses a transposed (non-contiguous) tensor instead of returning scrambled values', () => {
    expect(() => readStateDict(fixture('transposed.pth'))).toThrow(
      /non-contiguous stride \[1,4\].*contiguous\(\)/,
    );
  });
});

describe('readLinearHead and applyLinearHead', () => {
  it('reads a Linear(8,1) head and scores like torch', () => {
    const head = readLinearHead(fixture('linear-8.pth'));
    expect(head.inputDim).toBe(8);
    expect(head.bias).toBe(expected.linear8.bias);
    expect(values(head.weight)).toEqual(expected.linear8.weight);
    expect(applyLinearHead(head, new Float32Array(expected.linear8.input))).toBe(
      expected.linear8.output,
    );
  });

  it('accepts the "0." prefix of a one-layer Sequential', () => {
    const head = readLinearHead(fixture('sequential-4.pth'));
    expect(expected.sequential4.keys).toEqual(['0.weight', '0.bias']);
    expect(head.inputDim).toBe(4);
    expect(values(head.weight)).toEqual(expected.sequential4.weight);
    expect(head.bias).toBe(expected.sequential4.bias);
  });

  it('rejects a layer with three outputs, naming the shape it found', () => {
    expect(() => readLinearHead(fixture('linear-4x3.pth'))).toThrow(
      'expected a linear layer with one output, found weight of shape [3,4]',
    );
  });

  it('rejects a multi-layer MLP, naming its layers', () => {
    expect(readStateDict(fixture('mlp.pth')).size).toBe(4);
    expect(() => readLinearHead(fixture('mlp.pth'))).toThrow(
      'expected a single linear layer, found 2 weight tensors (0.weight, 2.weight)',
    );
  });

  it('throws when the embedding size does not match the head', () => {
    const head = readLinearHead(fixture('linear-8.pth'));
    expect(() => applyLinearHead(head, new Float32Array(512))).toThrow(
      'the embedding has 512 values but the head expects 8',
    );
  });
});

const laionHead = path.resolve(
  import.meta.dirname,
  '../../../shared/reference/laion-aesthetic-vit-b-32-linear.pth',
);

describe('the real LAION aesthetic head', () => {
  it.skipIf(!existsSync(laionHead))(
    'reads the real LAION head (only where ../shared/reference is present; a fresh clone lacks it)',
    () => {
      const head = readLinearHead(new Uint8Array(readFileSync(laionHead)));
      expect(head.inputDim).toBe(512);
      expect(head.weight.every(Number.isFinite)).toBe(true);
      // Expected values from /usr/bin/python3 with torch 1.13:
      //   sd = torch.load(path); sd['bias'].item(); sd['weight'].double().sum().item();
      //   sd['weight'][0, :3].tolist()
      //   nn.Linear(512, 1) loaded with sd, applied to torch.full((512,), 1 / math.sqrt(512))
      expect(head.bias).toBe(3.421470880508423);
      expect(values(head.weight.subarray(0, 3))).toEqual([
        1.2080795764923096, -0.15948191285133362, -0.2843078374862671,
      ]);
      const weightSum = head.weight.reduce((sum, w) => sum + w, 0);
      expect(weightSum).toBeCloseTo(11.012592151062563, 4);
      const uniform = new Float32Array(512).fill(1 / Math.sqrt(512));
      expect(applyLinearHead(head, uniform)).toBeCloseTo(3.908163070678711, 5);
    },
  );
});

describe('hostile or damaged input', () => {
  it('rejects bytes that are not a zip', () => {
    expect(() => readStateDict(strToU8('<!doctype html><title>404</title>'))).toThrow(
      'not a PyTorch zip file',
    );
    expect(() => readStateDict(new Uint8Array())).toThrow('not a PyTorch zip file');
  });

  it('recognises a legacy (pre-1.6) torch.save file and says so', () => {
    expect(() => readStateDict(new Uint8Array([0x80, 0x02, 0x8a, 0x0a]))).toThrow(/legacy/);
  });

  it('rejects a zip without data.pkl', () => {
    const bytes = zipSync({
      'archive/version': strToU8('3\n'),
      'archive/data/0': new Uint8Array(4),
    });
    expect(() => readStateDict(bytes)).toThrow('not a PyTorch zip file (no data.pkl)');
  });

  it('refuses GLOBAL os.system before anything could run', () => {
    // PROTO 2; GLOBAL 'os system'; SHORT_BINUNICODE 'echo'; TUPLE1; REDUCE; STOP
    const pickle = [
      0x80,
      0x02,
      ...ascii('cos\nsystem\n'),
      0x8c,
      4,
      ...ascii('echo'),
      0x85,
      0x52,
      0x2e,
    ];
    expect(() => readStateDict(zipWithPickle(pickle))).toThrow('unsupported class os.system');
  });

  it('refuses STACK_GLOBAL builtins.eval (protocol 4 spelling)', () => {
    const pickle = [
      0x80,
      0x04,
      0x8c,
      8,
      ...ascii('builtins'),
      0x8c,
      4,
      ...ascii('eval'),
      0x93,
      0x2e,
    ];
    expect(() => readStateDict(zipWithPickle(pickle))).toThrow('unsupported class builtins.eval');
  });

  it('refuses to call an allow-listed name that is not a constructor', () => {
    // GLOBAL 'torch FloatStorage'; EMPTY_TUPLE; REDUCE; STOP
    const pickle = [0x80, 0x02, ...ascii('ctorch\nFloatStorage\n'), 0x29, 0x52, 0x2e];
    expect(() => readStateDict(zipWithPickle(pickle))).toThrow(
      'the pickle tries to call torch.FloatStorage, which is not allowed',
    );
  });

  it('names an opcode it does not support', () => {
    // STRING (protocol 0) is never emitted by torch.save for state dicts.
    const pickle = [0x80, 0x02, ...ascii("S'x'\n"), 0x2e];
    expect(() => readStateDict(zipWithPickle(pickle))).toThrow('unsupported pickle opcode STRING');
  });

  it('rejects a pickle whose result is not a dict of tensors', () => {
    expect(() => readStateDict(zipWithPickle([0x80, 0x02, 0x4e, 0x2e]))).toThrow(
      'expected a dict of tensors (a state_dict), found None',
    );
  });

  it('reports a truncated zip', () => {
    const whole = fixture('linear-8.pth');
    expect(() => readStateDict(whole.subarray(0, whole.length >> 1))).toThrow(
      /truncated or corrupt/,
    );
  });

  it('reports a truncated pickle', () => {
    const bytes = rezip('linear-8.pth', (entries) => {
      const pickle = entries['linear-8/data.pkl'];
      if (!(pickle instanceof Uint8Array)) throw new Error('fixture lacks data.pkl');
      entries['linear-8/data.pkl'] = pickle.subarray(0, pickle.length - 40);
    });
    expect(() => readStateDict(bytes)).toThrow(/ends unexpectedly.*truncated/);
  });

  it('throws, rather than returning a partial dict, at every truncation point of data.pkl', () => {
    const pickle = unzipSync(fixture('linear-8.pth'))['linear-8/data.pkl'] ?? new Uint8Array();
    expect(pickle.length).toBeGreaterThan(100);
    for (let cut = 0; cut < pickle.length; cut++) {
      const bytes = rezip('linear-8.pth', (entries) => {
        entries['linear-8/data.pkl'] = pickle.subarray(0, cut);
      });
      expect(() => readStateDict(bytes), `cut at ${cut}`).toThrow();
    }
  });

  it('reports a truncated storage', () => {
    const bytes = rezip('linear-8.pth', (entries) => {
      entries['linear-8/data/0'] = new Uint8Array(12);
    });
    expect(() => readStateDict(bytes)).toThrow(
      "storage '0' is truncated: expected 32 bytes, found 12",
    );
  });

  it('reports a missing storage', () => {
    const bytes = rezip('linear-8.pth', (entries) => {
      delete entries['linear-8/data/1'];
    });
    expect(() => readStateDict(bytes)).toThrow("storage '1' is missing");
  });

  it('refuses big-endian files and accepts an explicit little-endian marker', () => {
    const big = rezip('linear-8.pth', (entries) => {
      entries['linear-8/byteorder'] = strToU8('big');
    });
    expect(() => readStateDict(big)).toThrow(/big-endian/);
    const little = rezip('linear-8.pth', (entries) => {
      entries['linear-8/byteorder'] = strToU8('little');
    });
    expect(readStateDict(little).size).toBe(2);
  });
});
