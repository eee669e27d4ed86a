import { errorMessage } from '../../src/core/errors';
import { cleanRephrasing } from './clean';
import type { ChatEngine } from './engine';
import { MAX_WORDS, buildMessages } from './prompts';
import type { PromptStyle, RephraseOutcome } from './protocol';

const MESSAGES: Record<Exclude<RephraseOutcome, { status: 'ok' }>['reason'], string> = {
  timeout: 'The language model took too long; searching with your words only.',
  cancelled: 'Rephrasing cancelled; searching with your words only.',
  refusal: 'The language model declined to rephrase; searching with your words only.',
  garbage: 'The language model gave an unusable answer; searching with your words only.',
  empty: 'The language model gave no answer; searching with your words only.',
  error: 'The language model failed; searching with your words only.',
};

export interface RephraseRequest {
  query: string;
  style: PromptStyle;
  timeoutMs: number;
  onText: (piece: string) => void;
  signal?: AbortSignal;
}

/** Rephrases with a deadline and never fails: a bad answer falls back to the query itself. */
export async function rephrase(engine: ChatEngine, req: RephraseRequest): Promise<RephraseOutcome> {
  const query = req.query.trim();
  const stop = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stop.abort();
  }, req.timeoutMs);
  const onAbort = () => stop.abort();
  req.signal?.addEventListener('abort', onAbort, { once: true });
  const fallback = (
    reason: Exclude<RephraseOutcome, { status: 'ok' }>['reason'],
    raw: string,
    detail?: string,
  ) =>
    ({
      status: 'fallback',
      text: query,
      raw,
      reason,
      message: detail ? `${MESSAGES[reason]} (${detail})` : MESSAGES[reason],
    }) satisfies RephraseOutcome;
  let raw = '';
  try {
    raw = await engine.generate(buildMessages(query, req.style), {
      // Roughly 1.6 tokens a word, plus room for a closing token.
      maxTokens: Math.ceil(MAX_WORDS * 1.6) + 8,
      onText: (piece) => {
        raw += piece;
        req.onText(piece);
      },
      signal: stop.signal,
    });
  } catch (e) {
    if (timedOut) return fallback('timeout', raw);
    if (req.signal?.aborted) return fallback('cancelled', raw);
    return fallback('error', raw, errorMessage(e));
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onAbort);
  }
  if (timedOut) return fallback('timeout', raw);
  if (req.signal?.aborted) return fallback('cancelled', raw);
  const cleaned = cleanRephrasing(raw);
  return cleaned.ok ? { status: 'ok', text: cleaned.text, raw } : fallback(cleaned.reason, raw);
}
