import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { openLibraryDb, type LumenDb } from '../../core/store/db';
import { rememberQuery } from '../../core/store/query-history';
import { JudgeManager, type JudgeDeps } from './judge.svelte';
import type { JudgeSystem } from './judge-systems.svelte';

let n = 0;

function setup(db: LumenDb, unavailable: Partial<Record<JudgeSystem, string>> = {}) {
  const systems: JudgeDeps['systems'] = {
    refresh: vi.fn(() => Promise.resolve()),
    unavailable: (s) => unavailable[s] ?? null,
    // System A's photos are 1.., system B's 101..: each row says which system made it.
    row: vi.fn((system: JudgeSystem, _q: string, topN: number) =>
      Promise.resolve(
        Array.from({ length: topN }, (_, i) => ({
          id: (system === 'base' ? 1 : 101) + i,
          beauty: system === 'base' ? 0.2 : 0.8,
        })),
      ),
    ),
  };
  const query = Float32Array.of(1, 0);
  const proxy = {
    embedTexts: vi.fn((texts: string[]) => Promise.resolve(texts.map(() => query))),
    photoVectors: vi.fn((ids: number[]) => Promise.resolve(ids.map(() => Float32Array.of(1, 0)))),
    // Library scale: typical photo at cosine 0, best match at 1.
    searchText: vi.fn(() =>
      Promise.resolve({ hits: [1, 0].map((score) => ({ score, relevance: score })) }),
    ),
  };
  const judge = new JudgeManager({
    db: () => Promise.resolve(db),
    profileId: 'tiny-world',
    model: 'tiny-world@3',
    builtInQueries: ['a red circle', 'a blue square'],
    systems,
    proxy,
    seed: () => 5,
  });
  return { judge, systems, proxy };
}

/** Answers whichever side holds system A, so every finished comparison is a win for A. */
function answerForA(judge: JudgeManager, showings: number) {
  for (let i = 0; i < showings * 3; i++) {
    judge.answer(judge.current!.showing!.aOnLeft ? 'left' : 'right');
  }
}

describe('judging session', () => {
  it('captures both rows per query, resumes after a reload, and reports the answers', async () => {
    const db = await openLibraryDb(`judge-manager-${++n}`);
    const { judge, systems } = setup(db);
    await judge.open();
    judge.typed = 'a red circle\n\nA Red Circle\na blue square';
    judge.topN = 3;
    await judge.start();
    expect(judge.error).toBeNull();
    expect(systems.row).toHaveBeenCalledTimes(4);
    expect(judge.current).toMatchObject({ done: 0, total: 4, aspect: 'accuracy' });
    expect(judge.current!.rows!.left).toHaveLength(3);

    answerForA(judge, 1);
    judge.answer('similar');
    expect(judge.current).toMatchObject({ done: 1, aspect: 'aesthetics' });
    await judge.flushed();

    // A new page: the same session comes back where it stopped.
    const again = setup(db).judge;
    await again.open();
    expect(again.current).toMatchObject({ done: 1, total: 4, aspect: 'aesthetics' });
    expect(again.record!.answers).toEqual(judge.record!.answers);

    again.undo();
    expect(again.current!.aspect).toBe('accuracy');
    answerForA(again, 3);
    expect(again.current).toMatchObject({ done: 4, aspect: null, showing: null });
    again.answer('left');
    expect(again.record!.answers).toHaveLength(12);

    const report = again.report!;
    expect(report.person.comparisons.map((c) => c.query)).toEqual([
      'a red circle',
      'a blue square',
    ]);
    expect(report.person.tallies.aesthetics.winRate).toBe(1);
    const csv = again.exportFile('person', 'csv')!.text.split('\r\n');
    expect(csv[1]).toMatch(/^a red circle,base,rerank,a,a,a,(true|false)$/);
    db.close();
  });

  it('lets the automatic judge answer the same comparisons and shows the agreement', async () => {
    const db = await openLibraryDb(`judge-manager-${++n}`);
    const { judge, proxy } = setup(db);
    judge.source = 'built-in';
    await judge.start();
    answerForA(judge, 4);
    await judge.runProxy();
    // The person's own words first (then the quality prompts).
    expect(proxy.embedTexts.mock.calls[0]![0].slice(0, 2)).toEqual([
      'a red circle',
      'a blue square',
    ]);
    const report = judge.report!;
    // Rows differ only in beauty (0.2 for base, 0.8 for re-rank): the proxy prefers B there.
    expect(report.proxy!.tallies.aesthetics.lossRate).toBe(1);
    expect(report.proxy!.tallies.accuracy.similarRate).toBe(1);
    expect(report.agreement).toMatchObject({ comparisons: 2, aesthetics: 0, accuracy: 0 });
    await judge.flushed();
    const again = setup(db).judge;
    await again.open();
    expect(again.record!.proxy).toHaveLength(2);
    db.close();
  });

  it('does not start with an unavailable system, the same system twice, or no queries', async () => {
    const db = await openLibraryDb(`judge-manager-${++n}`);
    await rememberQuery(db, 'a purple star', 1);
    const { judge, systems } = setup(db, { tuned: 'no tuned model is active' });
    await judge.open();
    expect(judge.cannotStart).toMatch(/query/);
    judge.source = 'recent';
    expect(judge.queries).toEqual(['a purple star']);
    judge.systemB = 'tuned';
    expect(judge.cannotStart).toMatch(/\+tuned is unavailable: no tuned model/);
    judge.systemB = 'base';
    await judge.start();
    expect(judge.error).toMatch(/two different systems/);
    expect(systems.row).not.toHaveBeenCalled();
    expect(judge.record).toBeNull();
    db.close();
  });
});
