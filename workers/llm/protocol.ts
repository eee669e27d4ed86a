import type { Device } from '../../src/core/manifest';

export type LlmBackend = 'webllm' | 'transformers';

export interface LlmLoadReport {
  /** 0..1 */
  progress: number;
  text: string;
}

/**
 * Prompt styles after the paper's comparison. Every style keeps the subject, adds what
 * a person most likely means visually, translates into English, and asks for plain text
 * of bounded length, because CLIP reads at most 77 tokens.
 */
export const STYLES = {
  reorganise: {
    label: 'Reorganise (fluent description)',
    instruction:
      'Rewrite the query as one fluent description of the photo, subject first, then composition, light, style and mood.',
  },
  detail: {
    label: 'Detail',
    instruction:
      'Describe in detail the photo this person most likely wants: the subject, composition, light, colours, style, mood, and any cultural or factual context.',
  },
  'keyword-list': {
    label: 'Keyword list',
    instruction:
      'Answer with a comma-separated list of visual keywords for this photo: the subject first, then composition, light, style and mood.',
  },
  'keyword-dict': {
    label: 'Keyword dictionary',
    instruction:
      'Answer in the form "subject: …; composition: …; light: …; style: …; mood: …" describing the photo this person wants.',
  },
  repeat: {
    label: 'Repeat',
    instruction: 'Repeat the query, fixing spelling mistakes; add nothing.',
  },
} as const;

export type PromptStyle = keyof typeof STYLES;
export const DEFAULT_STYLE: PromptStyle = 'reorganise';

export function isPromptStyle(v: unknown): v is PromptStyle {
  return typeof v === 'string' && v in STYLES;
}

export type RephraseOutcome =
  | { status: 'ok'; text: string; raw: string }
  | {
      status: 'fallback';
      /** The original query, which search then uses alone. */
      text: string;
      raw: string;
      reason: 'timeout' | 'cancelled' | 'refusal' | 'garbage' | 'empty' | 'error';
      message: string;
    };

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
