import type { ChatEngine, GenerateOptions } from './engine';
import type { LlmLoadReport } from './protocol';
import type { ChatMessage } from './prompts';

/** The part of web-llm's MLCEngine this app uses; tests provide a double of it. */
export interface MlcEngineLike {
  chat: {
    completions: {
      create(request: {
        messages: ChatMessage[];
        stream: true;
        max_tokens: number;
        temperature: number;
      }): Promise<AsyncIterable<{ choices: { delta: { content?: string | null } }[] }>>;
    };
  };
  interruptGenerate(): void;
  unload(): Promise<void>;
}

export type MlcEngineFactory = (
  modelId: string,
  onProgress: (r: { progress: number; text: string }) => void,
) => Promise<MlcEngineLike>;

/** web-llm's own engine, loaded on first use so the page never pays for it unless needed. */
export const createMlcEngine: MlcEngineFactory = async (modelId, onProgress) => {
  const { CreateMLCEngine } = await import('@mlc-ai/web-llm');
  return CreateMLCEngine(modelId, { initProgressCallback: onProgress });
};

/** WebLLM on WebGPU: compiled model libraries, q4 weights cached by the browser. */
export class WebLlmEngine implements ChatEngine {
  readonly backend = 'webllm' as const;
  #engine: MlcEngineLike | undefined;

  constructor(
    readonly model: string,
    private readonly factory: MlcEngineFactory = createMlcEngine,
  ) {}

  async load(onProgress: (r: LlmLoadReport) => void): Promise<void> {
    this.#engine ??= await this.factory(this.model, (r) =>
      onProgress({ progress: Math.min(1, Math.max(0, r.progress)), text: r.text }),
    );
  }

  async generate(messages: ChatMessage[], options: GenerateOptions): Promise<string> {
    const engine = this.#engine;
    if (!engine) throw new Error('The language model is not loaded.');
    if (options.signal.aborted) throw new DOMException('Aborted', 'AbortError');
    const stop = () => engine.interruptGenerate();
    options.signal.addEventListener('abort', stop, { once: true });
    let text = '';
    try {
      const stream = await engine.chat.completions.create({
        messages,
        stream: true,
        max_tokens: options.maxTokens,
        temperature: 0.3,
      });
      for await (const chunk of stream) {
        const piece = chunk.choices[0]?.delta.content ?? '';
        if (piece) {
          text += piece;
          options.onText(piece);
        }
      }
    } finally {
      options.signal.removeEventListener('abort', stop);
    }
    if (options.signal.aborted) throw new DOMException('Aborted', 'AbortError');
    return text;
  }

  async unload(): Promise<void> {
    await this.#engine?.unload();
    this.#engine = undefined;
  }
}
