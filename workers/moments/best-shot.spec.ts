import { describe, expect, it } from 'vitest';
import { rankMembers, type MemberFigures } from './best-shot';

const frame = (photoId: number, f: Partial<MemberFigures>): MemberFigures => ({
  photoId,
  laion: 5,
  sharpness: 10,
  exposure: 0.8,
  taste: null,
  pixels: 12e6,
  ...f,
});

describe('rankMembers', () => {
  it('prefers the frame whose subject is sharp over a slightly prettier soft one', () => {
    const order = rankMembers([
      frame(1, { laion: 5.3, sharpness: 3 }),
      frame(2, { laion: 5.1, sharpness: 25 }),
    ]).map((r) => r.photoId);
    expect(order).toEqual([2, 1]);
  });

  it('prefers good exposure when focus is equal, and lets the tuned model decide when active', () => {
    expect(rankMembers([frame(1, { exposure: 0.3 }), frame(2, {})])[0]!.photoId).toBe(2);
    const tuned = rankMembers([frame(1, { taste: 0.9 }), frame(2, { taste: 0.2, sharpness: 14 })]);
    expect(tuned[0]!.photoId).toBe(1);
    expect(tuned[0]!.taste).toBe(1);
  });

  it("reads exposure within the group: the frame whose light departs from the rest's loses", () => {
    // A bright scene whose frames read 0.3 on the exposure appeal; one frame was darkened, which
    // the appeal alone calls better (0.9). Three or more frames have a median to depart from.
    const r = rankMembers([
      frame(1, { exposure: 0.9 }),
      frame(2, { exposure: 0.3 }),
      frame(3, { exposure: 0.32, pixels: 6e6 }),
    ]);
    expect(r.map((x) => x.photoId)).toEqual([3, 2, 1]);
    expect(r.find((x) => x.photoId === 1)!.exposure).toBeCloseTo(1 - 0.58, 10);
    expect(r.find((x) => x.photoId === 3)!.exposure).toBe(1);
    // A frame that departs farther loses more, whichever way.
    const far = rankMembers([
      frame(1, { exposure: 0.5 }),
      frame(2, { exposure: 0.55 }),
      frame(3, { exposure: 0.05 }),
      frame(4, { exposure: 0.8 }),
    ]);
    expect(far.map((x) => x.photoId).slice(2)).toEqual([4, 3]);
  });

  it('neither rewards nor punishes a figure a photo lacks, and breaks ties by size', () => {
    const r = rankMembers([frame(1, { sharpness: null }), frame(2, { pixels: 24e6 })]);
    expect(r.map((x) => x.photoId)).toEqual([2, 1]);
    expect(r[1]!.subjectSharpness).toBeNull();
    expect(r[0]!.total).toBeCloseTo(r[1]!.total, 10);
  });
});
