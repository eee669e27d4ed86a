import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import kernelBytes from './scan-kernel.wat?wasm-bytes';
import { compileWat, watBytes } from './vite-plugin-wat';

// Adds two i32x4 lanes-wise and returns lane 2: needs SIMD enabled in wabt.
const simdSource = `(module
  (func (export "lane2") (param $a i32) (param $b i32) (result i32)
    (i32x4.extract_lane 2 (i32x4.add (i32x4.splat (local.get $a)) (i32x4.splat (local.get $b))))))`;

const isBinary = (f: unknown): f is (a: number, b: number) => number => typeof f === 'function';

describe('compileWat', () => {
  it('compiles SIMD text to a module that runs', async () => {
    const bytes = await compileWat(simdSource, 'lane.wat');
    const lane2 = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports['lane2'];
    if (!isBinary(lane2)) throw new Error('no lane2 export');
    expect(lane2(40, 2)).toBe(42);
  });

  it("reports wabt's message with file and line on a syntax error", async () => {
    await expect(compileWat('(module\n  (func i32.bogus))', 'broken.wat')).rejects.toThrow(
      /broken\.wat:2:\d+: error: .*i32\.bogus/,
    );
  });

  it('names the file exactly in its messages, whatever the length of its name', async () => {
    for (let length = 5; length <= 13; length++) {
      const name = `${'k'.repeat(length - 4)}.wat`;
      await expect(compileWat('(module (func i32.bogus))', name)).rejects.toThrow(
        new RegExp(`\\n${name}:1:\\d+: error`),
      );
    }
  });

  it('rejects a module that parses but does not validate', async () => {
    await expect(
      compileWat('(module (func (result i32) (f32.const 1)))', 'typed.wat'),
    ).rejects.toThrow(/type mismatch/);
  });
});

describe('watBytes plugin', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  async function project(wat: string) {
    const root = await mkdtemp(path.join(tmpdir(), 'wat-plugin-'));
    dirs.push(root);
    await writeFile(path.join(root, 'k.wat'), wat);
    await writeFile(
      path.join(root, 'main.js'),
      "import bytes from './k.wat?wasm-bytes';\nexport default bytes;\n",
    );
    return build({
      root,
      configFile: false,
      logLevel: 'silent',
      plugins: [watBytes()],
      build: {
        write: false,
        lib: { entry: path.join(root, 'main.js'), formats: ['es'], fileName: 'main' },
      },
    });
  }

  it('serves the compiled kernel through the import query', () => {
    expect(WebAssembly.validate(kernelBytes)).toBe(true);
    const search = WebAssembly.Module.exports(new WebAssembly.Module(kernelBytes));
    expect(search).toContainEqual({ name: 'search', kind: 'function' });
  });

  it('inlines the bytes in a build', async () => {
    const output = await project(simdSource);
    const chunks = (Array.isArray(output) ? output : [output]).flatMap((o) =>
      'output' in o ? o.output : [],
    );
    const code = chunks.map((c) => ('code' in c ? c.code : '')).join('\n');
    const expected = Buffer.from(await compileWat(simdSource, 'k.wat')).toString('base64');
    expect(code).toContain(expected);
  });

  it('fails the build with the wabt message on a syntax error', async () => {
    await expect(project('(module (func i32.bogus))')).rejects.toThrow(/k\.wat:1:\d+: error/);
  });
});
