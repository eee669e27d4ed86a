import { describe, expect, it } from 'vitest';
import { WebLlmEngine, type MlcEngineFactory, type MlcEngineLike } from './webllm-engine';

// web-llm needs WebGPU and compiled model libraries from the network, neither of which
// exists here: this double stands in for its MLCEngine at that boundary only.
function mlcDouble(script: { pieces: string[]; failLoad?: Error; msPerPiece?: number }) {
  const calls = { interrupts: 0, unloads: 0, requests: [] as unknown[] };
  let interrupted = false;
  const engine: MlcEngineLike = {
    chat: {
      completions: {
        create(request) {
          calls.requests.push(request);
          interrupted = false;
          async function* stream() {
            for (const content of script.pieces) {
              if (interrupted) return;
              await new Promise((r) => setTimeout(r, script.msPerPiece ?? 1));
              yield { choices: [{ delta: { content } }] };
            }
          }
          return Promise.resolve(stream());
        },
      },
    },
    interruptGenerate: () => {
      calls.interrupts++;
      interrupted = true;
    },
    unload: () => {
      calls.unloads++;
      return Promise.resolve();
    },
  };
  const factory: MlcEngineFactory = (_model, onProgress) => {
    onProgress({ progress: 0.25, text: 'Fetching param cache[1/4]' });
    onProgress({ progress: 1, text: 'Finish loading on WebGPU' });
    return script.failLoad ? Promise.reject(script.failLoad) : Promise.resolve(engine);
  };
  return { factory, calls };
}

const messages = [{ role: 'user' as const, content: 'red circle' }];

describe('WebLlmEngine', () => {
  it('reports load progress and streams completions', async () => {
    const { factory, calls } = mlcDouble({ pieces: ['A red ', 'circle ', 'at dusk'] });
    const engine = new WebLlmEngine('Qwen2.5-0.5B-Instruct-q4f16_1-MLC', factory);
    const progress: number[] = [];
    await engine.load((r) => progress.push(r.progress));
    expect(progress).toEqual([0.25, 1]);
    const pieces: string[] = [];
    const text = await engine.generate(messages, {
      maxTokens: 40,
      onText: (p) => pieces.push(p),
      signal: new AbortController().signal,
    });
    expect(text).toBe('A red circle at dusk');
    expect(pieces).toEqual(['A red ', 'circle ', 'at dusk']);
    expect(calls.requests[0]).toMatchObject({ stream: true, max_tokens: 40, messages });
  });

  it('interrupts generation when cancelled', async () => {
    const { factory, calls } = mlcDouble({
      pieces: Array.from({ length: 50 }, () => 'x '),
      msPerPiece: 5,
    });
    const engine = new WebLlmEngine('m', factory);
    await engine.load(() => {});
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 20);
    await expect(
      engine.generate(messages, { maxTokens: 100, onText: () => {}, signal: abort.signal }),
    ).rejects.toThrow(/Aborted/);
    expect(calls.interrupts).toBe(1);
  });

  it('passes load errors on (e.g. no shader-f16, out of memory)', async () => {
    const { factory } = mlcDouble({
      pieces: [],
      failLoad: new Error('Device lost: out of memory'),
    });
    await expect(new WebLlmEngine('m', factory).load(() => {})).rejects.toThrow(/out of memory/);
  });

  it('refuses to generate before loading and frees the engine on unload', async () => {
    const { factory, calls } = mlcDouble({ pieces: ['a'] });
    const engine = new WebLlmEngine('m', factory);
    await expect(
      engine.generate(messages, {
        maxTokens: 5,
        onText: () => {},
        signal: new AbortController().signal,
      }),
    ).rejects.toThrow(/not loaded/);
    await engine.load(() => {});
    await engine.unload();
    expect(calls.unloads).toBe(1);
  });
});
