import { describe, expect, it } from 'vitest';
import 'fake-indexeddb/auto';
import { mulberry32 } from '../../../workers/tuning/random';
import { openLibraryDb, type EmbeddingBlock } from './db';
import {
  compactBlock,
  compactLibrary,
  concatBlocks,
  concatCompact,
  legacyBlockCount,
  loadMatrix,
  withoutRow,
} from './embedding-store';

describe('vector packing', () => {
  it('concatenates blocks of one model into a single matrix in order', () => {
    const m = concatBlocks('m@1', 2, [
      {
        id: 1,
        model: 'm@1',
        dim: 2,
        ids: new Uint32Array([1, 2]),
        vectors: new Float32Array([1, 0, 0, 1]),
      },
      {
        id: 2,
        model: 'm@1',
        dim: 2,
        ids: new Uint32Array([3]),
        vectors: new Float32Array([0.5, 0.5]),
      },
    ]);
    expect(Array.from(m.ids)).toEqual([1, 2, 3]);
    expect(Array.from(m.vectors)).toEqual([1, 0, 0, 1, 0.5, 0.5]);
  });

  it('never mixes vectors of two models or sizes', () => {
    const block = {
      id: 1,
      model: 'other@1',
      dim: 2,
      ids: new Uint32Array([1]),
      vectors: new Float32Array(2),
    };
    expect(() => concatBlocks('m@1', 2, [block])).toThrow(/other@1/);
    expect(() => concatBlocks('other@1', 3, [block])).toThrow(/expected other@1\/3/);
  });

  it('removes one photo row from a block and keeps the others aligned', () => {
    const block = {
      id: 1,
      model: 'm@1',
      dim: 2,
      ids: new Uint32Array([10, 11, 12]),
      vectors: new Float32Array([1, 1, 2, 2, 3, 3]),
    };
    const out = withoutRow(block, 11);
    expect(Array.from(out.ids)).toEqual([10, 12]);
    // A float block stays uncounted (compaction must still find it).
    expect(out.rows).toBeUndefined();
    expect(Array.from(out.vectors!)).toEqual([1, 1, 3, 3]);
    expect(withoutRow(block, 99)).toBe(block);
  });
});

describe('compact vectors', () => {
  const DIM = 24;
  let dbCount = 0;
  const unitRows = (seed: number, n: number) => {
    const rand = mulberry32(seed);
    const out = new Float32Array(n * DIM);
    for (let i = 0; i < n; i++) {
      let norm = 0;
      for (let j = 0; j < DIM; j++) norm += (out[i * DIM + j] = rand() - 0.5) ** 2;
      for (let j = 0; j < DIM; j++) out[i * DIM + j]! /= Math.sqrt(norm);
    }
    return out;
  };
  const floatBlock = (first: number, n: number, seed: number): EmbeddingBlock => ({
    model: 'm@1',
    dim: DIM,
    ids: Uint32Array.from({ length: n }, (_, i) => first + i),
    vectors: unitRows(seed, n),
  });
  const expectClose = (got: Float32Array, want: Float32Array) => {
    expect(got.length).toBe(want.length);
    // int8 with the 2-bit refinement: within an eighth of a step (≤ 1/127/8 for unit rows).
    want.forEach((w, j) => expect(Math.abs(got[j]! - w)).toBeLessThan(1 / 127 / 8 + 1e-6));
  };

  it('stores a quarter of the bytes and reads back what it stored, in either format', () => {
    const block = floatBlock(1, 10, 1);
    const compact = compactBlock(block);
    expect(compact.vectors).toBeUndefined();
    const bytes = compact.codes!.byteLength + compact.scales!.byteLength + compact.fine!.byteLength;
    expect(bytes).toBe(10 * (DIM + 4 + DIM / 4));
    expect(bytes).toBeLessThan(block.vectors!.byteLength / 2.5);
    expectClose(concatBlocks('m@1', DIM, [compact]).vectors, block.vectors!);
    // A library half compacted reads as one matrix in stored order.
    const second = floatBlock(11, 4, 2);
    const mixed = concatBlocks('m@1', DIM, [compact, second]);
    expect(Array.from(mixed.ids)).toEqual([...Array(14).keys()].map((i) => i + 1));
    expect(Array.from(mixed.vectors.subarray(10 * DIM))).toEqual(Array.from(second.vectors!));
    const scan = concatCompact('m@1', DIM, [compact, second]);
    expect(scan.legacyRows).toBe(4);
    expect(Array.from(scan.codes.subarray(0, 10 * DIM))).toEqual(Array.from(compact.codes!));
    expect(Array.from(scan.codes.subarray(10 * DIM))).toEqual(
      Array.from(compactBlock(second).codes!),
    );
  });

  it('removes a row from a compact block and keeps codes, scales and refinement aligned', () => {
    const compact = compactBlock(floatBlock(1, 5, 3));
    // The indexed row count (the library's photo count) follows the ids.
    expect(compact.rows).toBe(5);
    const out = withoutRow(compact, 3);
    expect(Array.from(out.ids)).toEqual([1, 2, 4, 5]);
    expect(out.rows).toBe(4);
    const before = concatBlocks('m@1', DIM, [compact]).vectors;
    const after = concatBlocks('m@1', DIM, [out]).vectors;
    expect(Array.from(after)).toEqual([
      ...before.subarray(0, 2 * DIM),
      ...before.subarray(3 * DIM),
    ]);
  });

  it('compacts a float library in place, resumably, losing no photo', async () => {
    const db = await openLibraryDb(`embedding-store-compact-${++dbCount}`);
    const blocks = [floatBlock(1, 6, 4), floatBlock(7, 6, 5), floatBlock(13, 6, 6)];
    for (const b of blocks) await db.add('blocks', b);
    const before = await loadMatrix(db, 'm@1', DIM);
    const scanBefore = concatCompact('m@1', DIM, await db.getAll('blocks'));
    expect(await legacyBlockCount(db)).toBe(3);

    // A tab closed after the first block: the rest stays float, and everything reads.
    const stop = new AbortController();
    const seen: number[] = [];
    await expect(
      compactLibrary(
        db,
        (p) => {
          seen.push(p.done);
          if (p.done === 1) stop.abort();
        },
        stop.signal,
      ),
    ).rejects.toThrow();
    expect(seen).toEqual([0, 1]);
    expect(await legacyBlockCount(db)).toBe(2);
    const halfway = await loadMatrix(db, 'm@1', DIM);
    expect(Array.from(halfway.ids)).toEqual(Array.from(before.ids));
    expectClose(halfway.vectors, before.vectors);

    // The next start carries on and only converts what is left.
    const progress: string[] = [];
    expect(await compactLibrary(db, (p) => progress.push(`${p.done}/${p.total}`))).toBe(2);
    expect(progress).toEqual(['0/2', '1/2', '2/2']);
    expect(await legacyBlockCount(db)).toBe(0);
    const after = await loadMatrix(db, 'm@1', DIM);
    expect(Array.from(after.ids)).toEqual(Array.from(before.ids));
    expectClose(after.vectors, before.vectors);
    // What the search worker scans is the same before and after compaction.
    const scanAfter = concatCompact('m@1', DIM, await db.getAll('blocks'));
    expect(scanAfter.legacyRows).toBe(0);
    expect(scanAfter.codes).toEqual(scanBefore.codes);
    expect(scanAfter.scales).toEqual(scanBefore.scales);
    expect(scanAfter.fine).toEqual(scanBefore.fine);
    expect(await compactLibrary(db)).toBe(0);
    db.close();
  });
});
