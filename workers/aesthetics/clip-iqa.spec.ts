import { describe, expect, it } from 'vitest';
import { clipIqa, meanOf } from './clip-iqa';
import { CLIP_IQA_PAIRS, promptTexts } from './protocol';

const unit = (...v: number[]) => {
  const n = Math.hypot(...v);
  return Float32Array.from(v, (x) => x / n);
};

describe('CLIP-IQA', () => {
  it('embeds a positive and a negative prompt per pair', () => {
    const texts = promptTexts();
    expect(texts).toHaveLength(CLIP_IQA_PAIRS.length * 2);
    expect(texts.slice(0, 2)).toEqual(['Good photo.', 'Bad photo.']);
  });

  it('scores an image near the positive prompt above 0.5, near the negative below', () => {
    const pos = unit(1, 0);
    const neg = unit(0, 1);
    const prompts = CLIP_IQA_PAIRS.flatMap(() => [pos, neg]);
    const good = clipIqa(unit(0.9, 0.1), prompts, 100);
    const bad = clipIqa(unit(0.1, 0.9), prompts, 100);
    expect(good.quality).toBeGreaterThan(0.99);
    expect(bad.quality).toBeLessThan(0.01);
    expect(meanOf(good)).toBeGreaterThan(meanOf(bad));
  });

  it('is a softmax at CLIP scale: equal similarity gives exactly 0.5', () => {
    const prompts = CLIP_IQA_PAIRS.flatMap(() => [unit(1, 0), unit(0, 1)]);
    expect(clipIqa(unit(1, 1), prompts, 100).sharpness!).toBeCloseTo(0.5);
    // A smaller temperature makes the same gap less decisive.
    const img = unit(0.6, 0.4);
    expect(clipIqa(img, prompts, 10).quality).toBeLessThan(clipIqa(img, prompts, 100).quality!);
  });

  it('refuses a prompt list of the wrong size', () => {
    expect(() => clipIqa(unit(1, 0), [unit(1, 0)], 100)).toThrow(/prompt embeddings/);
  });
});
