import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { JudgementRecord } from './db';
import { openLibraryDb } from './db';
import {
  addJudgement,
  deleteJudgement,
  getJudgement,
  latestJudgement,
  listJudgements,
  putJudgement,
} from './judgement-store';

let n = 0;
const fresh = () => openLibraryDb(`judgement-store-${++n}`);

const session = (
  profileId: string,
  updatedAt: number,
  answers: JudgementRecord['answers'] = [],
): Omit<JudgementRecord, 'id'> => ({
  profileId,
  model: 'tiny-world@3',
  systemA: 'base',
  systemB: 'rerank',
  topN: 5,
  seed: 7,
  queries: [
    {
      query: 'a red circle',
      rowA: [{ id: 1, beauty: 0.2 }],
      rowB: [{ id: 2, beauty: null }],
    },
  ],
  answers,
  createdAt: updatedAt,
  updatedAt,
});

describe('judging sessions', () => {
  it('keeps rows and answers exactly as written', async () => {
    const db = await fresh();
    const id = await addJudgement(db, session('tiny-world', 1, ['left', 'similar']));
    const back = await getJudgement(db, id);
    expect(back?.queries[0]?.rowB).toEqual([{ id: 2, beauty: null }]);
    expect(back?.answers).toEqual(['left', 'similar']);
    db.close();
  });

  it('resumes the session touched last, per profile', async () => {
    const db = await fresh();
    const older = await addJudgement(db, session('tiny-world', 10));
    const newer = await addJudgement(db, session('tiny-world', 20));
    await addJudgement(db, session('clip-b32', 99));
    expect((await latestJudgement(db, 'tiny-world'))?.id).toBe(newer);

    // Answering in the older session makes it the one to resume.
    const record = (await getJudgement(db, older))!;
    await putJudgement(db, { ...record, answers: ['right'] });
    const latest = await latestJudgement(db, 'tiny-world');
    expect(latest?.id).toBe(older);
    expect(latest?.answers).toEqual(['right']);
    expect(latest!.updatedAt).toBeGreaterThan(20);
    expect((await listJudgements(db, 'tiny-world')).map((r) => r.id)).toEqual([older, newer]);
    expect(await latestJudgement(db, 'nobody')).toBeUndefined();
    db.close();
  });

  it('refuses to put a session that was never added, and deletes by id', async () => {
    const db = await fresh();
    await expect(putJudgement(db, session('tiny-world', 1))).rejects.toThrow(/id/);
    const id = await addJudgement(db, session('tiny-world', 1));
    await deleteJudgement(db, id);
    expect(await getJudgement(db, id)).toBeUndefined();
    db.close();
  });
});
