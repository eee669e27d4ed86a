import { MAX_WORDS } from './prompts';

export type CleanResult =
  { ok: true; text: string } | { ok: false; reason: 'empty' | 'refusal' | 'garbage' };

const REFUSAL =
  /\b(i'?m sorry|i am sorry|i cannot|i can'?t|i am unable|i'?m unable|as an ai|language model,? i|cannot (?:help|assist|comply)|not able to (?:help|assist))\b/i;
const CHATTER_LINE =
  /^(?:sure|certainly|of course|okay|ok|absolutely|great|here(?:'s| is| are)|below is|rephrased|rewritten|improved|enhanced|new|search|the|your)\b[^.!?]*:\s*$/i;
const LEADING_LABEL =
  /^(?:(?:sure|certainly|okay|ok|of course)\b[,!.:]?\s*|here(?:'s| is)[^:]{0,40}:\s*|(?:rephrased|rewritten|improved|enhanced|search|new)?\s*(?:query|description|prompt|answer|output)\s*:\s*)+/i;

/**
 * Turns a model's raw answer into a query CLIP can use, or says why it cannot: markup,
 * chatter and quotes are removed, refusals and junk are rejected, and the length is
 * capped so the text fits CLIP's context.
 */
export function cleanRephrasing(raw: string, maxWords = MAX_WORDS): CleanResult {
  let text = raw
    .replace(/<think>[\s\S]*?(<\/think>|$)/gi, ' ')
    .replace(/```[a-z]*\n?/gi, ' ')
    .replace(/<[^>\n]{1,200}>/g, ' ');
  if (REFUSAL.test(text)) return { ok: false, reason: 'refusal' };
  const lines = text
    .split(/\r?\n/)
    .map((l) =>
      l
        .replace(/^\s*(?:[-*•>]+|\d+[.)]|#{1,6})\s*/, '')
        .replace(/[*_`~]+/g, '')
        .trim(),
    )
    .filter((l) => l && !CHATTER_LINE.test(l));
  text = lines.join(' ').replace(LEADING_LABEL, '');
  text = text
    .replace(/^["'“”‘’«»]+|["'“”‘’«»]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!text) return { ok: false, reason: 'empty' };
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  if (letters < 3 || letters / text.length < 0.5) return { ok: false, reason: 'garbage' };
  const words = text.split(' ');
  if (words.length > maxWords)
    text = words
      .slice(0, maxWords)
      .join(' ')
      .replace(/[,;:]$/, '');
  return { ok: true, text };
}
