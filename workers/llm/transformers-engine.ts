import {
  InterruptableStoppingCriteria,
  TextStreamer,
  pipeline,
  type TextGenerationPipeline,
} from '@huggingface/transformers';
import type { Device, Dtype } from '../../src/core/manifest';
import type { ChatEngine, GenerateOptions } from './engine';
import type { LlmLoadReport } from './protocol';
import type { ChatMessage } from './prompts';

/** A small ONNX instruct model through transformers.js: the backend for browsers without WebGPU. */
export class TransformersEngine implements ChatEngine {
  readonly backend = 'transformers' as const;
  #generator: TextGenerationPipeline | undefined;

  constructor(
    readonly model: string,
    /** `cpu` is onnxruntime-node's name for the same work (tests run in Node). */
    private readonly options: { revision: string; dtype: Dtype; device: Device | 'cpu' },
  ) {}

  async load(onProgress: (r: LlmLoadReport) => void): Promise<void> {
    if (this.#generator) return;
    const loaded = new Map<string, { loaded: number; total: number }>();
    this.#generator = await pipeline('text-generation', this.model, {
      revision: this.options.revision,
      dtype: this.options.dtype,
      device: this.options.device,
      progress_callback: (info) => {
        // After the last byte, compiling the runtime and the model still takes a while.
        if (info.status === 'done') onProgress({ progress: 1, text: 'Starting the model…' });
        if (info.status !== 'progress') return;
        loaded.set(info.file, { loaded: info.loaded, total: info.total });
        let done = 0;
        let total = 0;
        for (const f of loaded.values()) {
          done += f.loaded;
          total += f.total;
        }
        onProgress({ progress: total ? done / total : 0, text: `Downloading ${info.file}` });
      },
    });
  }

  async generate(messages: ChatMessage[], options: GenerateOptions): Promise<string> {
    const generator = this.#generator;
    if (!generator) throw new Error('The language model is not loaded.');
    if (options.signal.aborted) throw new DOMException('Aborted', 'AbortError');
    const stopping = new InterruptableStoppingCriteria();
    const stop = () => stopping.interrupt();
    options.signal.addEventListener('abort', stop, { once: true });
    let text = '';
    const streamer = new TextStreamer(generator.tokenizer, {
      skip_prompt: true,
      skip_special_tokens: true,
      callback_function: (piece: string) => {
        text += piece;
        options.onText(piece);
      },
    });
    try {
      await generator(messages, {
        max_new_tokens: options.maxTokens,
        ...(options.minTokens ? { min_new_tokens: options.minTokens } : {}),
        do_sample: false,
        streamer,
        stopping_criteria: stopping,
      });
    } finally {
      options.signal.removeEventListener('abort', stop);
    }
    if (options.signal.aborted) throw new DOMException('Aborted', 'AbortError');
    return text;
  }

  async unload(): Promise<void> {
    await this.#generator?.dispose();
    this.#generator = undefined;
  }
}
