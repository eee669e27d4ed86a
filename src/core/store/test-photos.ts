import type { PhotoRecord } from './db';

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
