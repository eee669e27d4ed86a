import { env } from '@huggingface/transformers';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { getProfile } from '../../src/core/manifest';
import { TransformersEngine } from './transformers-engine';
import { rephrase } from './rephraser';
import { buildMessages } from './prompts';

// The real transformers.js text-generation path, on the repo's own tiny random-weight
// GPT-2 (models/tiny-llm): its words are nonsense, but loading, streaming, cancelling
// and the fallback rules are exercised for real.
const spec = getProfile('tiny-world').llm.transformers!;
let engine: TransformersEngine;

beforeAll(async () => {
  env.localModelPath = path.resolve(import.meta.dirname, '../../models') + '/';
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  engine = new TransformersEngine(spec.id, {
    revision: spec.revision,
    dtype: spec.dtype,
    device: 'cpu',
  });
  const reports: number[] = [];
  await engine.load((r) => reports.push(r.progress));
});

describe('TransformersEngine with the tiny LM', () => {
  it('generates deterministically and streams the same text it returns', async () => {
    const pieces: string[] = [];
    const messages = buildMessages('a red circle', 'reorganise');
    const text = await engine.generate(messages, {
      maxTokens: 24,
      minTokens: 24,
      onText: (p) => pieces.push(p),
      signal: new AbortController().signal,
    });
    expect(text.length).toBeGreaterThan(0);
    expect(pieces.join('')).toBe(text);
    const again = await engine.generate(messages, {
      maxTokens: 24,
      minTokens: 24,
      onText: () => {},
      signal: new AbortController().signal,
    });
    expect(again).toBe(text);
  });

  it('stops when cancelled mid-generation', async () => {
    const abort = new AbortController();
    let pieces = 0;
    await expect(
      engine.generate(buildMessages('a blue square on grass', 'detail'), {
        maxTokens: 200,
        minTokens: 200,
        onText: () => {
          if (++pieces === 2) abort.abort();
        },
        signal: abort.signal,
      }),
    ).rejects.toThrow(/Aborted/);
    expect(pieces).toBeLessThan(6);
  });

  it('answers an empty generation with a visible fallback', async () => {
    // On this prompt the tiny model usually ends at once; either way nothing empty is used.
    const out = await rephrase(engine, {
      query: 'a red circle',
      style: 'reorganise',
      timeoutMs: 20_000,
      onText: () => {},
    });
    expect(out.text.trim().length).toBeGreaterThan(0);
  });

  it('rephrases end to end and never returns markup or nothing', async () => {
    const out = await rephrase(engine, {
      query: 'a red circle',
      style: 'keyword-list',
      timeoutMs: 20_000,
      onText: () => {},
    });
    // Random weights: either a cleaned text or a visible fallback to the query itself.
    if (out.status === 'ok') {
      expect(out.text).not.toMatch(/[<>*`#]/);
      expect(out.text.split(' ').length).toBeLessThanOrEqual(50);
    } else {
      expect(out.text).toBe('a red circle');
      expect(out.message).toMatch(/your words only/);
    }
  });

  it('falls back to the query when generation overruns its deadline', async () => {
    const out = await rephrase(engine, {
      query: 'a red circle',
      style: 'detail',
      timeoutMs: 1,
      onText: () => {},
    });
    expect(out).toMatchObject({ status: 'fallback', reason: 'timeout', text: 'a red circle' });
  });
});
