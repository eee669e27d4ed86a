import type { Device } from '../../src/lib/models/manifest';
import type { LlmBackend, LlmLoadReport } from './engine';
import type { PromptStyle } from './prompts';
import type { RephraseOutcome } from './rephraser';

export interface LlmLoadRequest {
  profileId: string;
  appBase: string;
  /** Which runtime to use; "auto" prefers WebLLM on WebGPU and falls back to transformers.js. */
  backend: LlmBackend | 'auto';
  device: Device | 'auto';
}

export interface LlmInfo {
  backend: LlmBackend;
  model: string;
  device: Device;
  /** Why the preferred backend was not used, when it was not. */
  note?: string;
}

export interface RephraseCall {
  query: string;
  style: PromptStyle;
  timeoutMs: number;
}

/** The LLM worker's interface; the page reaches it through Comlink. */
export interface LlmApi {
  load(request: LlmLoadRequest, onProgress: (r: LlmLoadReport) => void): Promise<LlmInfo>;
  rephrase(call: RephraseCall, onText: (piece: string) => void): Promise<RephraseOutcome>;
  cancel(): void;
  /** Deletes downloaded weights of this profile's language models; returns what was deleted. */
  deleteDownloads(profileId: string): Promise<string[]>;
}
