import type { JudgementRecord, LumenDb } from './db';

/** Stores a new session and returns its id. */
export async function addJudgement(
  db: LumenDb,
  record: Omit<JudgementRecord, 'id'>,
): Promise<number> {
  return db.add('judgements', record);
}

/** Replaces a stored session (after each answer, so a reload loses at most the one in flight). */
export async function putJudgement(db: LumenDb, record: JudgementRecord): Promise<void> {
  if (record.id === undefined) throw new Error('a stored judging session has an id');
  await db.put('judgements', { ...record, updatedAt: Date.now() });
}

export async function getJudgement(db: LumenDb, id: number): Promise<JudgementRecord | undefined> {
  return db.get('judgements', id);
}

/** This profile's sessions, most recently touched first. */
export async function listJudgements(db: LumenDb, profileId: string): Promise<JudgementRecord[]> {
  const all = await db.getAllFromIndex('judgements', 'profileId', profileId);
  return all.sort((a, b) => b.updatedAt - a.updatedAt || (b.id ?? 0) - (a.id ?? 0));
}

/** The session to resume: the one this profile touched last, if any. */
export async function latestJudgement(
  db: LumenDb,
  profileId: string,
): Promise<JudgementRecord | undefined> {
  return (await listJudgements(db, profileId))[0];
}

export async function deleteJudgement(db: LumenDb, id: number): Promise<void> {
  await db.delete('judgements', id);
}
