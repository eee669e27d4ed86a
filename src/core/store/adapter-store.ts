import type { AdapterRecord, LumenDb } from './db';

const activeKey = (model: string) => `activeAdapter:${model}`;

export async function listAdapters(db: LumenDb, baseModel: string): Promise<AdapterRecord[]> {
  return db.getAllFromIndex('adapters', 'baseModel', baseModel);
}

export async function getAdapter(db: LumenDb, id: number): Promise<AdapterRecord | undefined> {
  return db.get('adapters', id);
}

/** Stores an adapter and makes it the active one for its model, in one transaction. */
export async function saveAdapter(db: LumenDb, record: Omit<AdapterRecord, 'id'>): Promise<number> {
  const tx = db.transaction(['adapters', 'meta'], 'readwrite');
  const id = await tx.objectStore('adapters').add(record);
  await tx.objectStore('meta').put(id, activeKey(record.baseModel));
  await tx.done;
  return id;
}

/** The adapter search applies for this model, or undefined for the base model. */
export async function activeAdapterId(db: LumenDb, model: string): Promise<number | undefined> {
  const v = await db.get('meta', activeKey(model));
  return typeof v === 'number' ? v : undefined;
}

/** Switches between base (undefined) and a stored adapter of the same model. */
export async function setActiveAdapter(
  db: LumenDb,
  model: string,
  id: number | undefined,
): Promise<void> {
  if (id === undefined) {
    await db.delete('meta', activeKey(model));
    return;
  }
  const record = await db.get('adapters', id);
  if (!record) throw new Error('That tuned model is no longer stored.');
  if (record.baseModel !== model) {
    throw new Error(
      `That tuned model belongs to ${record.baseModel}, not to the active model ${model}.`,
    );
  }
  await db.put('meta', id, activeKey(model));
}

export async function deleteAdapter(db: LumenDb, id: number): Promise<void> {
  const record = await db.get('adapters', id);
  const tx = db.transaction(['adapters', 'meta'], 'readwrite');
  await tx.objectStore('adapters').delete(id);
  if (record && (await tx.objectStore('meta').get(activeKey(record.baseModel))) === id) {
    await tx.objectStore('meta').delete(activeKey(record.baseModel));
  }
  await tx.done;
}
