import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import type { MomentGroup } from '../../../workers/moments/protocol';
import { openLibraryDb, type LumenDb } from '../../core/store/db';
import { listPairs } from '../../core/store/preference-store';
import { MomentsState } from './moments.svelte';

let n = 0;
const M = 'tiny-world@3';

function group(tier: MomentGroup['tier'], members: number[]): MomentGroup {
  return {
    id: `${tier}-${Math.min(...members)}`,
    tier,
    members,
    best: members[0]!,
    reasons: members.map((photoId) => ({
      photoId,
      aesthetic: null,
      subjectSharpness: null,
      exposure: null,
      taste: null,
      total: 0,
    })),
    copySets: [],
  };
}

function makeState(db: LumenDb, groups: MomentGroup[]) {
  const onDecided = vi.fn();
  const state = new MomentsState({
    client: {
      groups: () =>
        Promise.resolve({ groups, libraryVersion: 1, photos: 9, ms: 1, incremental: false }),
    },
    db: () => Promise.resolve(db),
    profileId: 'tiny-world',
    model: M,
    onDecided,
  });
  return { state, onDecided };
}

const chosen = async (db: LumenDb) =>
  (await listPairs(db, M, 'default')).filter((p) => p.origin === 'chosen').length;

describe('moments state', () => {
  it('walks a group photo by photo and decides the one in view', async () => {
    const db = await openLibraryDb(`moments-state-${++n}`);
    const { state, onDecided } = makeState(db, [group('moment', [3, 1, 2]), group('copy', [5, 4])]);
    await state.load();
    expect(state.currentPhoto).toBe(3);
    await state.decide('keep');
    expect(state.currentPhoto).toBe(1);
    await state.decide('reject');
    expect(state.decisions).toEqual({ 3: 'keep', 1: 'reject' });
    expect(onDecided).toHaveBeenCalledTimes(2);
    state.moveGroup(1);
    expect(state.currentPhoto).toBe(5);
    state.moveGroup(1);
    expect(state.currentPhoto).toBe(5);
  });

  it('says how many accept-all rejects, undoes it in one step, and keeps decisions over a reload', async () => {
    const db = await openLibraryDb(`moments-state-${++n}`);
    const groups = [group('moment', [3, 1, 2]), group('copy', [5, 4])];
    const { state } = makeState(db, groups);
    await state.load();
    await state.decide('keep');
    await state.decide('keep');
    // Photo 2 of the first group and 4 of the second are undecided and not their group's best.
    expect(state.pendingRejects).toBe(2);
    await state.acceptAll();
    expect(state.decisions).toEqual({ 3: 'keep', 1: 'keep', 2: 'reject', 5: 'keep', 4: 'reject' });
    expect(state.pendingRejects).toBe(0);
    expect(await chosen(db)).toBe(3);

    const reloaded = makeState(db, groups).state;
    await reloaded.load();
    expect(reloaded.decisions).toEqual(state.decisions);
    expect(reloaded.rejectedCount).toBe(2);

    await state.undo();
    expect(state.decisions).toEqual({ 3: 'keep', 1: 'keep' });
    expect(await chosen(db)).toBe(0);
    await state.undo();
    await state.undo();
    expect(state.decisions).toEqual({});
    expect(state.canUndo).toBe(false);
  });

  it('exports the stored decisions', async () => {
    const db = await openLibraryDb(`moments-state-${++n}`);
    const { state } = makeState(db, [group('copy', [1, 2])]);
    await state.load();
    await state.acceptGroup();
    // No photo records here: the export lists only photos still in the library.
    expect(await state.exportText('csv')).toBe('path,group,decision\n');
  });
});
