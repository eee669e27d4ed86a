import { describe, expect, it } from 'vitest';
import { curveChart } from './eval-curve-chart';
import { beautySteps } from './eval-curve';

const pt = (beauty: number, precision: number, quality: number) => ({
  beauty,
  precision,
  quality,
});

describe('beautySteps', () => {
  it('sweeps 0 to 1 in equal, readable steps', () => {
    expect(beautySteps(11)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(beautySteps(6)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });
});

describe('curveChart', () => {
  const rerank = [pt(0, 0.8, 0.72), pt(0.5, 0.65, 0.95), pt(1, 0.4, 0.98)];
  const tuned = [pt(0, 0.79, 0.84), pt(0.5, 0.62, 0.96), pt(1, 0.38, 0.98)];
  const svg = curveChart({
    base: rerank[0]!,
    tuned: tuned[0]!,
    rerank: { points: rerank, matched: rerank[0]! },
    tunedRerank: { points: tuned, matched: null },
  });

  it('draws both curves point by point, with base and the tuned model marked', () => {
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(4);
    // Six in the whole sweep, and the two within reach of base again in the near-base panel.
    expect(svg.match(/<circle/g)).toHaveLength(8);
    expect(svg).toContain('re-rank (base vectors), beauty 0.5: P@10 0.650, quality 0.950');
    expect(svg).toContain('>base</text>');
    expect(svg).toContain('>tuned alone</text>');
  });

  it('puts more precision to the left and more quality higher up', () => {
    const at = (title: string) => {
      const m = new RegExp(`cx="([\\d.]+)" cy="([\\d.]+)" r="3" fill="[^"]+"><title>${title}`).exec(
        svg,
      );
      return { x: Number(m![1]), y: Number(m![2]) };
    };
    const b0 = at('re-rank \\(base vectors\\), beauty 0:');
    const b1 = at('re-rank \\(base vectors\\), beauty 1:');
    expect(b0.x).toBeLessThan(b1.x);
    expect(b0.y).toBeGreaterThan(b1.y);
  });
});
