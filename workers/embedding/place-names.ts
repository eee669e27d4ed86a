import type { PhotoMetadata } from '../../src/core/photo-metadata';
import type { PlaceLookup } from '../places/place-lookup';

export type { PlaceLookup };

/**
 * Fills in the place of rows with a GPS position, loading the lookup (workers/places) the first
 * time a row has one: a library without GPS never downloads the place data. A lookup that
 * fails to load costs the place names of this job, never its photos.
 */
export function placeNamer(load: (() => Promise<PlaceLookup>) | undefined) {
  let loading: Promise<PlaceLookup | undefined> | undefined;
  return async (rows: readonly { metadata?: PhotoMetadata }[]): Promise<void> => {
    const located = rows.flatMap(({ metadata: m }) =>
      m?.lat !== undefined && m.lon !== undefined ? [m] : [],
    );
    if (!located.length || !load) return;
    loading ??= load().catch(() => undefined);
    const lookup = await loading;
    if (!lookup) return;
    for (const m of located) {
      const found = lookup(m.lat!, m.lon!);
      if (!found) continue;
      m.place = found.place;
      if (found.region) m.region = found.region;
      m.country = found.country;
    }
  };
}
