import type { LumenDb, PhotoRecord } from './db';

/** A minimal photo record for specs: `f/<id>.jpg`, hash `<id>`, no vectors; `extra` overrides. */
export function photoRecord(id: number, extra: Partial<PhotoRecord> = {}): PhotoRecord {
  return {
    id,
    path: `f/${id}.jpg`,
    name: `${id}.jpg`,
    size: 1,
    lastModified: 0,
    width: 1,
    height: 1,
    hash: String(id),
    mime: 'image/jpeg',
    addedAt: id,
    vectors: {},
    ...extra,
  };
}

/**
 * The database with one method replaced by `wrap(original)`, for specs that slow down or count
 * a read. idb's methods only work on the real object, so every other one stays bound to it.
 */
export function wrapDbMethod<K extends keyof LumenDb>(
  db: LumenDb,
  key: K,
  wrap: (original: LumenDb[K]) => LumenDb[K],
): LumenDb {
  const original = (db[key] as (...a: unknown[]) => unknown).bind(db) as LumenDb[K];
  const replaced = wrap(original);
  return new Proxy(db, {
    get(target, name) {
      if (name === key) return replaced;
      const value = Reflect.get(target, name, target) as unknown;
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}
