import { describe, expect, it, vi } from 'vitest';
import type { PhotoMetadata } from '../../src/core/photo-metadata';
import { placeNamer, type PlaceLookup } from './place-names';

const lisbon: PhotoMetadata = { lat: 38.7223, lon: -9.1393 };
const lookup: PlaceLookup = () => ({ place: 'Lisbon', country: 'PT' });

describe('place names while indexing', () => {
  it('starts loading the place data as soon as a prepared photo has a position, once', async () => {
    const load = vi.fn(() => Promise.resolve(lookup));
    const name = placeNamer(load);
    name.prime({ takenAt: 1 });
    name.prime(undefined);
    expect(load).not.toHaveBeenCalled();
    name.prime(lisbon);
    name.prime(lisbon);
    expect(load).toHaveBeenCalledTimes(1);
    const row = { metadata: { ...lisbon } };
    await name([row]);
    expect(load).toHaveBeenCalledTimes(1);
    expect(row.metadata).toMatchObject({ place: 'Lisbon', country: 'PT' });
  });

  it('never loads the data for a library without positions, and a failed load costs only names', async () => {
    const never = vi.fn(() => Promise.resolve(lookup));
    await placeNamer(never)([{ metadata: { takenAt: 1 } }, {}]);
    expect(never).not.toHaveBeenCalled();

    const failing = placeNamer(() => Promise.reject(new Error('offline')));
    failing.prime(lisbon);
    const row = { metadata: { ...lisbon } };
    await failing([row]);
    expect(row.metadata.place).toBeUndefined();
    expect(row.metadata.lat).toBe(lisbon.lat);
  });
});
