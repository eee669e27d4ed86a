import { distance } from 'geokdbush';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../tuning/random';
import { REACH_MASK_BYTES, ReachMask } from './reach-mask';

/** The point `km` from (lat, lon) on the initial bearing `bearingDeg` (great circle). */
function destination(lat: number, lon: number, km: number, bearingDeg: number): [number, number] {
  const rad = Math.PI / 180;
  const d = km / 6371;
  const [φ, λ, θ] = [lat * rad, lon * rad, bearingDeg * rad];
  const φ2 = Math.asin(Math.sin(φ) * Math.cos(d) + Math.cos(φ) * Math.sin(d) * Math.cos(θ));
  const λ2 =
    λ +
    Math.atan2(Math.sin(θ) * Math.sin(d) * Math.cos(φ), Math.cos(d) - Math.sin(φ) * Math.sin(φ2));
  return [φ2 / rad, ((((λ2 / rad + 540) % 360) + 360) % 360) - 180];
}

const towns: [string, number, number][] = [
  ['Lisbon', 38.7167, -9.1333],
  ['Longyearbyen', 78.2233, 15.6469],
  ['McMurdo Station', -77.846, 166.676],
  ['Egvekinot (179.1° W)', 66.3217, -179.122],
  ['Beringovskiy (179.4° E)', 63.061, 179.3505],
  ['Quito (on the equator)', -0.2299, -78.525],
  ['a town near the pole', 89.9, 40],
];

describe('the cells within reach of a town', () => {
  const mask = new ReachMask(
    towns.map((t) => t[1]),
    towns.map((t) => t[2]),
    50,
  );

  it.each(towns)('holds every point within 50 km of %s, whatever the direction', (_, lat, lon) => {
    for (let bearing = 0; bearing < 360; bearing += 5) {
      for (const km of [0, 25, 49.9]) {
        const [pLat, pLon] = destination(lat, lon, km, bearing);
        expect(distance(lon, lat, pLon, pLat)).toBeLessThan(50);
        expect(mask.mayReach(pLat, pLon), `${km} km at ${bearing}°`).toBe(true);
      }
    }
  });

  it('holds no cell far from every town', () => {
    const random = mulberry32(7);
    for (let i = 0; i < 2000; i++) {
      const lat = Math.asin(2 * random() - 1) / (Math.PI / 180);
      const lon = random() * 360 - 180;
      const nearest = Math.min(...towns.map(([, tLat, tLon]) => distance(lon, lat, tLon, tLat)));
      // A town marks the cells of its circle's bounding box: a corner cell is ~130 km out.
      if (nearest > 200) expect(mask.mayReach(lat, lon), `${lat}, ${lon}`).toBe(false);
    }
    expect(mask.mayReach(0, -140)).toBe(false);
    expect(mask.mayReach(-90, 0)).toBe(false);
  });

  it('holds a whole polar cap around a town near the pole', () => {
    expect(mask.mayReach(90, -170)).toBe(true);
    expect(mask.mayReach(89.8, -140)).toBe(true);
  });
});

describe('a mask shipped as bits', () => {
  it('answers as the mask it was made from', () => {
    const made = new ReachMask(
      towns.map((t) => t[1]),
      towns.map((t) => t[2]),
      50,
    );
    const shipped = ReachMask.fromBits(Uint8Array.from(made.bits));
    const random = mulberry32(11);
    for (let i = 0; i < 5000; i++) {
      const lat = random() * 180 - 90;
      const lon = random() * 360 - 180;
      expect(shipped.mayReach(lat, lon)).toBe(made.mayReach(lat, lon));
    }
    expect(shipped.mayReach(38.7, -9.1)).toBe(true);
  });

  it('refuses bits of the wrong size', () => {
    expect(() => ReachMask.fromBits(new Uint8Array(REACH_MASK_BYTES - 1))).toThrow('wrong size');
  });
});
