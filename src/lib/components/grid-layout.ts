import type { TimeSection } from '../../../workers/search/protocol';

/** A thing to draw at `y`: a section's heading row, or one result's cell in column `col`. */
export type GridItem =
  | { kind: 'heading'; section: number; y: number }
  | { kind: 'cell'; index: number; col: number; y: number };

interface Group {
  start: number;
  count: number;
  /** Top of the heading (of the first cell row when the group has no heading). */
  top: number;
  /** Number of its first cell row among all cell rows. */
  firstRow: number;
  rows: number;
}

/**
 * Where each result and heading of the virtualised grid lies. Results fill rows of `cols`
 * cells; with sections, each section starts a new row under a heading row of its own. Cell
 * rows are numbered across sections, so moving a row up or down steps over the headings.
 */
export class GridLayout {
  readonly height: number;
  readonly cellRows: number;
  /** 0 when there are no sections. */
  readonly headingHeight: number;
  readonly #groups: Group[];

  constructor(
    total: number,
    readonly cols: number,
    readonly rowHeight: number,
    headingHeight: number,
    sections?: readonly TimeSection[],
  ) {
    const parts = sections?.length ? sections : [{ start: 0, count: total }];
    const heading = sections?.length ? headingHeight : 0;
    let top = 0;
    let firstRow = 0;
    this.#groups = parts.map(({ start, count }) => {
      const rows = Math.ceil(count / cols);
      const group = { start, count, top, firstRow, rows };
      top += heading + rows * rowHeight;
      firstRow += rows;
      return group;
    });
    this.height = top;
    this.cellRows = firstRow;
    this.headingHeight = heading;
  }

  /** The last group whose value of `key` is at most `value` (groups ascend in every key). */
  #groupBy(key: 'top' | 'firstRow' | 'start', value: number): number {
    let lo = 0;
    let hi = this.#groups.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#groups[mid]![key] <= value) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Everything that lies (partly) between `top` and `bottom`, in order. */
  visible(top: number, bottom: number): GridItem[] {
    const out: GridItem[] = [];
    for (let g = this.#groupBy('top', top); g < this.#groups.length; g++) {
      const group = this.#groups[g]!;
      if (group.top >= bottom) break;
      if (this.headingHeight > 0 && group.top + this.headingHeight > top)
        out.push({ kind: 'heading', section: g, y: group.top });
      const cellsTop = group.top + this.headingHeight;
      const first = Math.max(0, Math.floor((top - cellsTop) / this.rowHeight));
      const last = Math.min(group.rows, Math.ceil((bottom - cellsTop) / this.rowHeight));
      for (let r = first; r < last; r++) {
        const end = Math.min(group.count, (r + 1) * this.cols);
        for (let i = r * this.cols; i < end; i++)
          out.push({
            kind: 'cell',
            index: group.start + i,
            col: i % this.cols,
            y: cellsTop + r * this.rowHeight,
          });
      }
    }
    return out;
  }

  /** The cell row a result is in. */
  cellRow(index: number): number {
    const group = this.#groups[this.#groupBy('start', index)]!;
    return group.firstRow + Math.floor((index - group.start) / this.cols);
  }

  /** The result's column. */
  colOf(index: number): number {
    const group = this.#groups[this.#groupBy('start', index)]!;
    return (index - group.start) % this.cols;
  }

  /** The result at a cell row and column: the row's last one where the row is shorter. */
  indexAt(cellRow: number, col: number): number {
    const row = Math.max(0, Math.min(this.cellRows - 1, cellRow));
    const group = this.#groups[this.#groupBy('firstRow', row)]!;
    const first = (row - group.firstRow) * this.cols;
    return group.start + Math.min(first + col, group.count - 1);
  }

  /** Top of a cell row. */
  rowTop(cellRow: number): number {
    const group = this.#groups[this.#groupBy('firstRow', cellRow)]!;
    return group.top + this.headingHeight + (cellRow - group.firstRow) * this.rowHeight;
  }

  /** The cell row at a height (the one below when it falls on a heading). */
  rowAt(y: number): number {
    const group = this.#groups[this.#groupBy('top', y)]!;
    const within = Math.floor((y - group.top - this.headingHeight) / this.rowHeight);
    return group.firstRow + Math.max(0, Math.min(group.rows - 1, within));
  }
}
