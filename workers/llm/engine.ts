import type { ChatMessage } from './prompts';
import type { LlmBackend, LlmLoadReport } from './protocol';

export interface GenerateOptions {
  maxTokens: number;
  /** Forces at least this many tokens (tests of streaming and cancelling use it). */
  minTokens?: number;
  /** Receives the text as it streams, piece by piece. */
  onText: (piece: string) => void;
  signal: AbortSignal;
}

/** One local language model, whichever runtime runs it. */
export interface ChatEngine {
  readonly backend: LlmBackend;
  readonly model: string;
  load(onProgress: (r: LlmLoadReport) => void): Promise<void>;
  /** Resolves with the whole text; an aborted signal stops generation early. */
  generate(messages: ChatMessage[], options: GenerateOptions): Promise<string>;
  unload(): Promise<void>;
}
