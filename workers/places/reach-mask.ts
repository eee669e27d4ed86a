/**
 * Which half-degree cells of the globe hold some point within reach of a town. A photo in
 * any other cell (open sea, ice, the empty middle of a desert) has no place, known without a
 * kd-tree search: that search is slowest exactly there, running out to the full radius.
 */

const CELL_DEG = 0.5;
const ROWS = 180 / CELL_DEG;
const COLS = 360 / CELL_DEG;
/** geokdbush's Earth radius, so "within reach" means what its distances mean. */
const EARTH_KM = 6371;
/** Rounding slack, so a point at the edge of a town's reach is never masked out. */
const MARGIN_DEG = 0.01;
const RAD = Math.PI / 180;

const rowOf = (lat: number) => Math.min(ROWS - 1, Math.max(0, Math.floor((lat + 90) / CELL_DEG)));
const colOf = (lon: number) => {
  const wrapped = (((lon + 180) % 360) + 360) % 360;
  return Math.min(COLS - 1, Math.floor(wrapped / CELL_DEG));
};

/** Bytes of a mask: one bit per cell, row by row from the south pole, west to east from −180°. */
export const REACH_MASK_BYTES = (ROWS * COLS) / 8;

export class ReachMask {
  /** Bit `row * COLS + col`, least significant bit first. */
  readonly bits: Uint8Array;

  /**
   * A mask shipped in the place data (built by the same constructor when the file was made),
   * so a worker need not mark 130,000 towns' cells itself.
   */
  static fromBits(bits: Uint8Array): ReachMask {
    if (bits.length !== REACH_MASK_BYTES) throw new Error('A reach mask has the wrong size');
    return new ReachMask([], [], 0, bits);
  }

  /** Marks every cell that a circle of `km` around any of the points touches. */
  constructor(lat: ArrayLike<number>, lon: ArrayLike<number>, km: number, bits?: Uint8Array) {
    this.bits = bits ?? new Uint8Array(REACH_MASK_BYTES);
    const reach = km / EARTH_KM; // radians of arc
    const dLat = reach / RAD + MARGIN_DEG;
    for (let i = 0; i < lat.length; i++) {
      const la = lat[i]!;
      const cosLat = Math.cos(la * RAD);
      // The widest a circle of arc `reach` gets in longitude; all of it if it holds a pole.
      const wholeRow = Math.abs(la) + dLat >= 90 || Math.sin(reach) >= cosLat;
      const dLon = wholeRow ? 180 : Math.asin(Math.sin(reach) / cosLat) / RAD + MARGIN_DEG;
      const firstCol = wholeRow ? 0 : Math.floor((lon[i]! - dLon + 180) / CELL_DEG);
      const lastCol = wholeRow ? COLS - 1 : Math.floor((lon[i]! + dLon + 180) / CELL_DEG);
      for (let row = rowOf(la - dLat); row <= rowOf(la + dLat); row++) {
        for (let col = firstCol; col <= lastCol; col++) {
          const cell = row * COLS + (((col % COLS) + COLS) % COLS);
          this.bits[cell >> 3]! |= 1 << (cell & 7);
        }
      }
    }
  }

  /** False where no town can be within reach; true where one may be. */
  mayReach(lat: number, lon: number): boolean {
    const cell = rowOf(lat) * COLS + colOf(lon);
    return (this.bits[cell >> 3]! & (1 << (cell & 7))) !== 0;
  }
}
