import { DEFAULT_TASTE, type LumenDb, type PairOrigin, type PreferenceRecord } from './db';

/** A pair to store; one without a taste joins the default taste. */
export type NewPair = Omit<PreferenceRecord, 'id' | 'at' | 'taste'> & { taste?: string };

/** Person-made pairs outweigh grid pairs: they are what this person actually said. */
export const ORIGIN_WEIGHT: Readonly<Record<PairOrigin, number>> = { auto: 1, liked: 2, chosen: 3 };

export type PairCounts = Record<PairOrigin, number>;

/**
 * A model's pairs; with `taste`, only that taste's own picks plus the automatic pairs.
 * Automatic (D_po) pairs belong to the model, whatever taste they were stored under: they
 * say what the scorers prefer, which every taste may train on.
 */
export async function listPairs(
  db: LumenDb,
  model: string,
  taste?: string,
): Promise<PreferenceRecord[]> {
  const all = await db.getAllFromIndex('preferences', 'model', model);
  return taste === undefined ? all : all.filter((p) => p.origin === 'auto' || p.taste === taste);
}

export async function countPairs(db: LumenDb, model: string, taste?: string): Promise<PairCounts> {
  const counts: PairCounts = { auto: 0, liked: 0, chosen: 0 };
  for (const p of await listPairs(db, model, taste)) counts[p.origin]++;
  return counts;
}

/** Deletes every pick of a taste (all models); automatic pairs stay with their model. */
export async function deletePairsOfTaste(db: LumenDb, taste: string): Promise<number> {
  const tx = db.transaction('preferences', 'readwrite');
  let deleted = 0;
  for (const p of await tx.store.index('taste').getAll(taste)) {
    if (p.origin !== 'auto' && p.id !== undefined) {
      await tx.store.delete(p.id);
      deleted++;
    }
  }
  await tx.done;
  return deleted;
}

/** Adds pairs in one transaction; a pair identical to a stored one of the same origin replaces nothing. */
export async function addPairs(db: LumenDb, pairs: NewPair[]): Promise<number> {
  if (pairs.length === 0) return 0;
  const tx = db.transaction('preferences', 'readwrite');
  const seen = new Set(
    (await tx.store.getAll()).map((p) => pairKey(p.model, p.queryText, p.winner, p.loser, p.taste)),
  );
  let added = 0;
  const at = Date.now();
  for (const p of pairs) {
    const key = pairKey(p.model, p.queryText, p.winner, p.loser, p.taste ?? DEFAULT_TASTE);
    if (seen.has(key) || p.winner === p.loser) continue;
    seen.add(key);
    await tx.store.add({ ...p, taste: p.taste ?? DEFAULT_TASTE, at });
    added++;
  }
  await tx.done;
  return added;
}

/** Replaces the automatic (grid) pairs of a model: a rebuilt D_po supersedes the old one. */
export async function replaceAutoPairs(
  db: LumenDb,
  model: string,
  pairs: Omit<NewPair, 'model' | 'origin'>[],
): Promise<number> {
  const tx = db.transaction('preferences', 'readwrite');
  for (const p of await tx.store.index('model').getAll(model)) {
    if (p.origin === 'auto' && p.id !== undefined) await tx.store.delete(p.id);
  }
  const at = Date.now();
  for (const p of pairs)
    await tx.store.add({ ...p, taste: p.taste ?? DEFAULT_TASTE, model, origin: 'auto', at });
  await tx.done;
  return pairs.length;
}

export async function deletePair(db: LumenDb, id: number): Promise<void> {
  await db.delete('preferences', id);
}

export async function deletePairsOf(db: LumenDb, model: string, origin: PairOrigin): Promise<void> {
  const tx = db.transaction('preferences', 'readwrite');
  for (const p of await tx.store.index('model').getAll(model)) {
    if (p.origin === origin && p.id !== undefined) await tx.store.delete(p.id);
  }
  await tx.done;
}

/** Two tastes may hold the same pick: each trains on its own. */
function pairKey(
  model: string,
  query: string,
  winner: number,
  loser: number,
  taste: string,
): string {
  return `${model}\u0000${query}\u0000${winner}\u0000${loser}\u0000${taste}`;
}
