// The CLIP-IQA prompts' text embeddings, kept per text model and prompt list. Scoring at
// start then needs no text tower: loading one took seconds of both cores on a 100k library,
// right while the first screen was scrolled.
import type { LumenDb } from './db';

function promptKey(model: string, version: number): string {
  return `iqaPrompts|${model}|v${version}`;
}

export async function loadPromptVectors(
  db: LumenDb,
  model: string,
  version: number,
  count: number,
): Promise<Float32Array[] | undefined> {
  const stored = await db.get('meta', promptKey(model, version));
  // Anything else (another list's length, a damaged entry) is embedded again.
  const valid =
    Array.isArray(stored) &&
    stored.length === count &&
    stored.every((v) => v instanceof Float32Array && v.length > 0);
  return valid ? (stored as Float32Array[]) : undefined;
}

export async function savePromptVectors(
  db: LumenDb,
  model: string,
  version: number,
  vectors: Float32Array[],
): Promise<void> {
  await db.put('meta', vectors, promptKey(model, version));
}
