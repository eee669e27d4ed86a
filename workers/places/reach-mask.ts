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

export class ReachMask {
  private readonly cells = new Uint8Array(ROWS * COLS);

  /** Marks every cell that a circle of `km` around any of the points touches. */
  constructor(lat: ArrayLike<number>, lon: ArrayLike<number>, km: number) {
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
          this.cells[row * COLS + (((col % COLS) + COLS) % COLS)] = 1;
        }
      }
    }
  }

  /** False where no town can be within reach; true where one may be. */
  mayReach(lat: number, lon: number): boolean {
    return this.cells[rowOf(lat) * COLS + colOf(lon)] === 1;
  }
}
