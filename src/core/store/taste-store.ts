import { duoKeyOf } from '../tuning/active-pairs';
import { deleteAdapter } from './adapter-store';
import { DEFAULT_TASTE, type LumenDb, type TasteRecord } from './db';
import { addPairs, deletePairsOfTaste, ORIGIN_WEIGHT } from './preference-store';

/** The name the default taste shows until the person renames it. */
export const DEFAULT_TASTE_NAME = 'My taste';
const ACTIVE_KEY = 'activeTaste';

/** Every taste, oldest first; the default taste is created on first use, so there is always one. */
export async function listTastes(db: LumenDb): Promise<TasteRecord[]> {
  const tastes = await db.getAll('tastes');
  if (!tastes.some((t) => t.id === DEFAULT_TASTE)) {
    const record: TasteRecord = { id: DEFAULT_TASTE, name: DEFAULT_TASTE_NAME, createdAt: 0 };
    await db.put('tastes', record);
    tastes.push(record);
  }
  return tastes.sort((a, b) => a.createdAt - b.createdAt);
}

export async function getTaste(db: LumenDb, id: string): Promise<TasteRecord | undefined> {
  return (await listTastes(db)).find((t) => t.id === id);
}

function cleanName(name: string): string {
  const clean = name.trim().replace(/\s+/g, ' ');
  if (!clean) throw new Error('A taste needs a name.');
  return clean;
}

/** A new, empty taste; the name is kept as typed (trimmed). Returns the record. */
export async function createTaste(db: LumenDb, name: string): Promise<TasteRecord> {
  const createdAt = Date.now();
  const id = `taste-${createdAt.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const record: TasteRecord = { id, name: cleanName(name), createdAt };
  await db.add('tastes', record);
  return record;
}

export async function renameTaste(db: LumenDb, id: string, name: string): Promise<void> {
  const record = await getTaste(db, id);
  if (!record) throw new Error('That taste is no longer stored.');
  await db.put('tastes', { ...record, name: cleanName(name) });
}

/**
 * Deletes a taste with its picks, the pairs it was asked and its adapter. The last taste
 * cannot go (picks always need a home); when the active one goes, the oldest left is active.
 */
export async function deleteTaste(db: LumenDb, id: string): Promise<void> {
  const tastes = await listTastes(db);
  const record = tastes.find((t) => t.id === id);
  if (!record) return;
  if (tastes.length === 1) throw new Error('The last taste cannot be deleted; rename it instead.');
  await deletePairsOfTaste(db, id);
  const tx = db.transaction('askedPairs', 'readwrite');
  for (const key of await tx.store.index('taste').getAllKeys(id)) await tx.store.delete(key);
  await tx.done;
  if (record.adapterId !== undefined) await deleteAdapter(db, record.adapterId);
  await db.delete('tastes', id);
  if ((await activeTasteId(db)) === id) {
    await setActiveTaste(db, tastes.find((t) => t.id !== id)!.id);
  }
}

/** The taste likes, dislikes, picks and culling go to (remembered across reloads). */
export async function activeTasteId(db: LumenDb): Promise<string> {
  const id = await db.get('meta', ACTIVE_KEY);
  if (typeof id === 'string' && (await db.get('tastes', id))) return id;
  return DEFAULT_TASTE;
}

export async function setActiveTaste(db: LumenDb, id: string): Promise<void> {
  if (!(await getTaste(db, id))) throw new Error('That taste is no longer stored.');
  await db.put('meta', id, ACTIVE_KEY);
}

/**
 * Makes `adapterId` the taste's adapter and deletes the one it replaces: retraining a taste
 * replaces its model instead of adding one more to the list.
 */
export async function setTasteAdapter(db: LumenDb, id: string, adapterId: number): Promise<void> {
  const record = await getTaste(db, id);
  if (!record) throw new Error('That taste is no longer stored.');
  await db.put('tastes', { ...record, adapterId });
  if (record.adapterId !== undefined && record.adapterId !== adapterId) {
    await deleteAdapter(db, record.adapterId);
  }
}

/** The askedPairs store's key: `taste|model|query|lo|hi`. */
export function askedPairKey(taste: string, model: string, query: string, a: number, b: number) {
  return `${taste}|${model}|${duoKeyOf(query, a, b)}`;
}

/** Remembers that a pair was put to the person (answered or skipped), so it is never asked again. */
export async function markAsked(
  db: LumenDb,
  taste: string,
  model: string,
  query: string,
  a: number,
  b: number,
): Promise<void> {
  await db.put('askedPairs', {
    key: askedPairKey(taste, model, query, a, b),
    taste,
    at: Date.now(),
  });
}

/** The pairs already asked for a taste and model, as duoKeyOf keys (`query|lo|hi`). */
export async function askedDuos(db: LumenDb, taste: string, model: string): Promise<Set<string>> {
  const prefix = `${taste}|${model}|`;
  const keys = await db.getAllKeysFromIndex('askedPairs', 'taste', taste);
  return new Set(keys.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)));
}

/** The query culling pairs are stored for when the caller has none (a moment has no words). */
export const CULL_QUERY = 'a photo worth keeping';

/**
 * Culling decisions as the active taste's picks: each keeper beats each rejected photo of the
 * same group (origin 'chosen', as a "which of these two?" answer). Returns how many were new.
 */
export async function addCullPairs(
  db: LumenDb,
  model: string,
  keepers: readonly number[],
  rejected: readonly number[],
  queryText = CULL_QUERY,
): Promise<number> {
  const taste = await activeTasteId(db);
  const pairs = keepers.flatMap((winner) =>
    rejected.map((loser) => ({
      model,
      queryText,
      winner,
      loser,
      weight: ORIGIN_WEIGHT.chosen,
      origin: 'chosen' as const,
      taste,
    })),
  );
  return addPairs(db, pairs);
}
