import { describe, expect, it } from 'vitest';
import { cleanRephrasing } from './clean';

describe('cleanRephrasing', () => {
  it('passes a plain rephrasing through', () => {
    expect(cleanRephrasing('A red circle centred on warm sand, soft evening light.')).toEqual({
      ok: true,
      text: 'A red circle centred on warm sand, soft evening light.',
    });
  });

  it('strips chatter, labels, quotes and markdown', () => {
    const raw =
      'Sure! Here is the rephrased query:\n\n**"A red circle on sand, golden hour, minimalist"**';
    expect(cleanRephrasing(raw)).toEqual({
      ok: true,
      text: 'A red circle on sand, golden hour, minimalist',
    });
    expect(cleanRephrasing('Rephrased query: a calm lake at dawn')).toEqual({
      ok: true,
      text: 'a calm lake at dawn',
    });
    expect(cleanRephrasing('```\n- red circle\n- sand\n```')).toEqual({
      ok: true,
      text: 'red circle sand',
    });
  });

  it('does not mistake words that begin like chatter for chatter', () => {
    expect(cleanRephrasing('okra field at sunrise')).toEqual({
      ok: true,
      text: 'okra field at sunrise',
    });
    expect(cleanRephrasing('Surely the calmest lake')).toEqual({
      ok: true,
      text: 'Surely the calmest lake',
    });
  });

  it('removes HTML and reasoning blocks instead of passing markup to search', () => {
    expect(
      cleanRephrasing(
        '<think>the user wants…</think><b>blue</b> square <img src=x onerror=alert(1)>',
      ),
    ).toEqual({
      ok: true,
      text: 'blue square',
    });
  });

  it('rejects refusals', () => {
    expect(cleanRephrasing("I'm sorry, but I can't help with that.")).toEqual({
      ok: false,
      reason: 'refusal',
    });
    expect(cleanRephrasing('As an AI language model, I cannot see photos.')).toEqual({
      ok: false,
      reason: 'refusal',
    });
  });

  it('rejects empty and junk answers', () => {
    expect(cleanRephrasing('   \n ')).toEqual({ ok: false, reason: 'empty' });
    expect(cleanRephrasing('#### 123 456 !!!')).toEqual({ ok: false, reason: 'garbage' });
    expect(cleanRephrasing('$$ {{ }} 0x1f 42 ## 7')).toEqual({ ok: false, reason: 'garbage' });
  });

  it('caps the length so the text fits CLIP', () => {
    const long = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
    const r = cleanRephrasing(long, 50);
    expect(r.ok && r.text.split(' ')).toHaveLength(50);
  });

  it('keeps non-Latin letters (a model may answer in another script)', () => {
    expect(cleanRephrasing('赤い円、砂浜の上')).toEqual({ ok: true, text: '赤い円、砂浜の上' });
  });
});
