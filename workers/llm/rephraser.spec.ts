import { describe, expect, it } from 'vitest';
import type { ChatEngine, GenerateOptions } from './engine';
import type { ChatMessage } from './prompts';
import { buildMessages } from './prompts';
import { STYLES } from './protocol';
import { rephrase } from './rephraser';

/** An engine that streams a fixed answer, one word per tick, honouring the abort signal. */
function scriptedEngine(
  answer: string,
  msPerPiece = 1,
  fail?: Error,
): ChatEngine & { seen: ChatMessage[][] } {
  const seen: ChatMessage[][] = [];
  return {
    backend: 'transformers',
    model: 'scripted',
    seen,
    load: () => Promise.resolve(),
    unload: () => Promise.resolve(),
    async generate(messages: ChatMessage[], o: GenerateOptions) {
      seen.push(messages);
      if (fail) throw fail;
      let text = '';
      for (const piece of answer.split(/(?<= )/)) {
        if (o.signal.aborted) throw new DOMException('Aborted', 'AbortError');
        await new Promise((r) => setTimeout(r, msPerPiece));
        text += piece;
        o.onText(piece);
      }
      return text;
    },
  };
}

describe('prompt styles', () => {
  it('offers the paper’s five styles, each keeping the query and asking for plain English', () => {
    expect(Object.keys(STYLES).sort()).toEqual([
      'detail',
      'keyword-dict',
      'keyword-list',
      'reorganise',
      'repeat',
    ]);
    for (const style of Object.keys(STYLES) as (keyof typeof STYLES)[]) {
      const [system, user] = buildMessages('  roter Kreis ', style);
      expect(system!.content).toMatch(/translate it into English/);
      expect(system!.content).toMatch(/plain text only, at most \d+ words/);
      expect(user!.content).toContain('Query: roter Kreis');
    }
  });
});

describe('rephrase', () => {
  it('streams the answer and returns it cleaned', async () => {
    const pieces: string[] = [];
    const out = await rephrase(scriptedEngine('Sure: a red circle on sand, soft light'), {
      query: 'red circle',
      style: 'reorganise',
      timeoutMs: 5000,
      onText: (p) => pieces.push(p),
    });
    expect(out).toMatchObject({ status: 'ok', text: 'a red circle on sand, soft light' });
    expect(pieces.length).toBeGreaterThan(3);
  });

  it('falls back to the original query on a refusal, visibly', async () => {
    const out = await rephrase(scriptedEngine("I'm sorry, I can't do that"), {
      query: 'red circle',
      style: 'detail',
      timeoutMs: 5000,
      onText: () => {},
    });
    expect(out).toMatchObject({ status: 'fallback', text: 'red circle', reason: 'refusal' });
    expect(out.status === 'fallback' && out.message).toMatch(/your words only/);
  });

  it('stops a slow model at the deadline and falls back', async () => {
    const out = await rephrase(scriptedEngine('a b c d e f g h i j k l m n o p', 50), {
      query: 'red circle',
      style: 'detail',
      timeoutMs: 120,
      onText: () => {},
    });
    expect(out).toMatchObject({ status: 'fallback', reason: 'timeout', text: 'red circle' });
  });

  it('is cancelled by the person', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 30);
    const out = await rephrase(scriptedEngine('a b c d e f g h i j k l m n o p', 20), {
      query: 'red circle',
      style: 'detail',
      timeoutMs: 5000,
      onText: () => {},
      signal: abort.signal,
    });
    expect(out).toMatchObject({ status: 'fallback', reason: 'cancelled' });
  });

  it('reports an engine error as a fallback, never as a crash', async () => {
    const out = await rephrase(scriptedEngine('', 1, new Error('GPU device lost')), {
      query: 'red circle',
      style: 'repeat',
      timeoutMs: 5000,
      onText: () => {},
    });
    expect(out).toMatchObject({ status: 'fallback', reason: 'error' });
    expect(out.status === 'fallback' && out.message).toMatch(/GPU device lost/);
  });
});
