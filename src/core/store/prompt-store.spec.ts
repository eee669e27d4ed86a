import { describe, expect, it } from 'vitest';
import 'fake-indexeddb/auto';
import { openLibraryDb } from './db';
import { loadPromptVectors, savePromptVectors } from './prompt-store';

let dbCount = 0;
const vectors = [new Float32Array([0.6, 0.8]), new Float32Array([1, 0])];

describe('prompt store', () => {
  it('gives back the vectors kept for the same text model and prompt list, and nothing else', async () => {
    const db = await openLibraryDb(`prompt-store-${++dbCount}`);
    expect(await loadPromptVectors(db, 'clip@1', 1, 2)).toBeUndefined();
    await savePromptVectors(db, 'clip@1', 1, vectors);
    expect(await loadPromptVectors(db, 'clip@1', 1, 2)).toEqual(vectors);
    // Another model, another prompt version or another list length: embed again.
    expect(await loadPromptVectors(db, 'clip@2', 1, 2)).toBeUndefined();
    expect(await loadPromptVectors(db, 'clip@1', 2, 2)).toBeUndefined();
    expect(await loadPromptVectors(db, 'clip@1', 1, 3)).toBeUndefined();
    db.close();
  });

  it('a damaged entry is not used', async () => {
    const db = await openLibraryDb(`prompt-store-${++dbCount}`);
    await db.put('meta', [[0.6, 0.8], 'x'], 'iqaPrompts|clip@1|v1');
    expect(await loadPromptVectors(db, 'clip@1', 1, 2)).toBeUndefined();
    await db.put('meta', [new Float32Array(0), new Float32Array(0)], 'iqaPrompts|clip@1|v1');
    expect(await loadPromptVectors(db, 'clip@1', 1, 2)).toBeUndefined();
    db.close();
  });
});
