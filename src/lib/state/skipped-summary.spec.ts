import { describe, expect, it } from 'vitest';
import type { SkipReason } from '../../core/store/db';
import { countByReason } from './skipped-summary';

const records = (...reasons: SkipReason[]) => reasons.map((reason) => ({ reason }));

describe('countByReason', () => {
  it('counts each reason in words, the most common first', () => {
    const out = countByReason(
      records('truncated', 'not-an-image', 'not-an-image', 'not-an-image', 'truncated', 'empty'),
    );
    expect(out.map((r) => r.label)).toEqual(['3 not images', '2 cut off', '1 empty']);
  });

  it('uses the singular for one file and thousands separators for many', () => {
    const many = records(...Array.from({ length: 12_345 }, () => 'not-an-image' as const));
    expect(countByReason([...many, { reason: 'svg-not-indexed' }]).map((r) => r.label)).toEqual([
      '12,345 not images',
      '1 SVG drawing',
    ]);
  });

  it('is empty when nothing was skipped', () => {
    expect(countByReason([])).toEqual([]);
  });
});
