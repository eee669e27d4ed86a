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
  const located = (m: PhotoMetadata | undefined): m is PhotoMetadata & GpsFix =>
    m?.lat !== undefined && m.lon !== undefined;
  const name = async (rows: readonly { metadata?: PhotoMetadata }[]): Promise<void> => {
    const withGps = rows.flatMap(({ metadata: m }) => (located(m) ? [m] : []));
    if (!withGps.length || !load) return;
    loading ??= load().catch(() => undefined);
    const lookup = await loading;
    if (!lookup) return;
    for (const m of withGps) {
      const found = lookup(m.lat, m.lon);
      if (!found) continue;
      m.place = found.place;
      if (found.region) m.region = found.region;
      m.country = found.country;
    }
  };
  /**
   * Starts the load as soon as a prepared file has a position, so that fetching and indexing
   * the place data overlaps decoding and embedding instead of holding up the first commit.
   */
  name.prime = (metadata: PhotoMetadata | undefined): void => {
    if (load && located(metadata)) loading ??= load().catch(() => undefined);
  };
  return name;
}

type GpsFix = { lat: number; lon: number };
