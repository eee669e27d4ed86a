import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mergeIntoLatest, mergeSections, stampNow } from './latest.mjs';

const stamp = (date: string) => ({ ...stampNow({ command: 'test' }), date });

describe('bench/results/latest.json merging', () => {
  it('keeps every key another bench wrote, and its stamp', () => {
    // The Chromium bench writes `scan`; the Node scan bench, run after it, writes `scanNode`.
    const chromium = mergeSections({}, { scan: { ms: 4.5 }, topK: { ms: 9 } }, stamp('t1'));
    const both = mergeSections(chromium, { scanNode: { ms: 7 } }, stamp('t2'));
    expect(both).toMatchObject({ scan: { ms: 4.5 }, topK: { ms: 9 }, scanNode: { ms: 7 } });
    expect(both.measured.scan?.date).toBe('t1');
    expect(both.measured.topK?.date).toBe('t1');
    expect(both.measured.scanNode?.date).toBe('t2');
  });

  it('replaces a key a bench writes again, whole, and only that key’s stamp', () => {
    const first = mergeSections({}, { scan: { ms: 4.5, old: 1 }, places: { n: 3 } }, stamp('t1'));
    const again = mergeSections(first, { scan: { ms: 5.1 } }, stamp('t3'));
    expect(again.scan).toEqual({ ms: 5.1 });
    expect(again.places).toEqual({ n: 3 });
    expect(again.measured.scan?.date).toBe('t3');
    expect(again.measured.places?.date).toBe('t1');
  });

  it('refuses a section named like its own bookkeeping', () => {
    expect(() => mergeSections({}, { measured: {} }, stamp('t1'))).toThrow(/measured/);
  });

  describe('on disk', () => {
    let dir = '';
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('creates the file, then merges into it, stamping the machine and command', () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'lumen-latest-'));
      const file = path.join(dir, 'results', 'latest.json');
      mergeIntoLatest(
        { scan: { ms: 4.5 } },
        { command: 'node bench/run.mjs', browser: '156' },
        file,
      );
      mergeIntoLatest({ scanNode: { ms: 7 } }, { command: 'node bench/scan-bench.mjs' }, file);
      const latest = JSON.parse(readFileSync(file, 'utf8')) as ReturnType<typeof mergeSections>;
      expect(latest.scan).toEqual({ ms: 4.5 });
      expect(latest.scanNode).toEqual({ ms: 7 });
      expect(latest.measured.scan).toMatchObject({ command: 'node bench/run.mjs', browser: '156' });
      expect(latest.measured.scanNode?.command).toBe('node bench/scan-bench.mjs');
      expect(latest.measured.scanNode?.browser).toBeUndefined();
      expect(latest.measured.scanNode?.machine.cores).toBe(os.cpus().length);
      expect(Date.parse(latest.measured.scanNode?.date ?? '')).not.toBeNaN();
    });
  });
});
