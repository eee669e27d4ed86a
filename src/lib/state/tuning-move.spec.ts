import { describe, expect, it } from 'vitest';
import { describeTunedMove } from './tuning-move';

describe('how far tuning moved a photo', () => {
  it('says up, down, not moved or new, with the places', () => {
    expect(describeTunedMove({ rank: 5, baseRank: 9 }, 500)).toBe('up 4 places (base #9 → #5)');
    expect(describeTunedMove({ rank: 3, baseRank: 2 }, 500)).toBe('down 1 place (base #2 → #3)');
    expect(describeTunedMove({ rank: 7, baseRank: 7 }, 500)).toBe('not moved (#7 on both)');
    expect(describeTunedMove({ rank: 12, baseRank: null }, 500)).toBe(
      'new: the base model ranked it below #500',
    );
  });
});
