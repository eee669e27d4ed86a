import { describe, expect, it } from 'vitest';
import type { TimeSection } from '../../../workers/search/protocol';
import { GridLayout } from './grid-layout';

const section = (start: number, count: number): TimeSection => ({
  start,
  count,
  at: Date.UTC(2021, start, 1),
  unit: 'month',
});

describe('grid layout', () => {
  it('without sections: plain rows of cells', () => {
    const layout = new GridLayout(10, 4, 100, 40);
    expect(layout.height).toBe(300);
    const items = layout.visible(100, 200);
    expect(items.map((i) => (i.kind === 'cell' ? i.index : -1))).toEqual([4, 5, 6, 7]);
    expect(layout.cellRow(9)).toBe(2);
  });

  it('each section starts a new row under its heading', () => {
    // 5 in March (two rows of 4), 2 in April (one row): heading 40, row 100.
    const layout = new GridLayout(7, 4, 100, 40, [section(0, 5), section(5, 2)]);
    expect(layout.height).toBe(40 + 200 + 40 + 100);
    const all = layout.visible(0, layout.height);
    expect(
      all.map((i) => (i.kind === 'heading' ? `h${i.section}@${i.y}` : `${i.index}@${i.y}`)),
    ).toEqual(['h0@0', '0@40', '1@40', '2@40', '3@40', '4@140', 'h1@240', '5@280', '6@280']);
    // Only what overlaps the window: the second heading and its row.
    expect(layout.visible(250, 300).map((i) => i.kind)).toEqual(['heading', 'cell', 'cell']);
  });

  it('moving a row down or up steps over headings, to the same column or the row’s end', () => {
    const layout = new GridLayout(7, 4, 100, 40, [section(0, 5), section(5, 2)]);
    const down = (i: number) => layout.indexAt(layout.cellRow(i) + 1, layout.colOf(i));
    const up = (i: number) => layout.indexAt(layout.cellRow(i) - 1, layout.colOf(i));
    expect(down(0)).toBe(4);
    expect(down(3)).toBe(4); // the short row's last
    expect(down(4)).toBe(5); // over April's heading
    expect(up(6)).toBe(4);
    expect(up(0)).toBe(0);
    expect(layout.rowTop(2)).toBe(280);
    expect(layout.rowAt(250)).toBe(2);
  });
});
