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
export const MAX_WORDS = 50;

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export function isPromptStyle(v: unknown): v is PromptStyle {
  return typeof v === 'string' && v in STYLES;
}

export function buildMessages(
  query: string,
  style: PromptStyle,
  maxWords = MAX_WORDS,
): ChatMessage[] {
  const system =
    'You help people search their own photos. You turn a short search query into a better query for an image search engine. ' +
    'Keep what the person asked for; never replace the subject. If the query is not in English, translate it into English. ' +
    `Reply with plain text only, at most ${maxWords} words: no lists, markdown, quotes, explanations or greetings.`;
  return [
    { role: 'system', content: system },
    { role: 'user', content: `${STYLES[style].instruction}\nQuery: ${query.trim()}` },
  ];
}
