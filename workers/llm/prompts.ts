import { STYLES, type PromptStyle } from './protocol';

export const MAX_WORDS = 50;

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
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
