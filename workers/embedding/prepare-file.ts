import { errorMessage } from '../../src/core/errors';
import type { PhotoMetadata } from '../../src/core/photo-metadata';
import type { SkippedRecord } from '../../src/core/store/db';
import type { KnownPhoto } from '../../src/core/store/photo-store';
import {
  HEAD_BYTES,
  TAIL_BYTES,
  TRUNCATED,
  imageEnd,
  inspectHeader,
  type HeaderInfo,
} from './image-header';
import type { PreparedImage } from './protocol';
import { readMetadata } from './read-metadata';

/** What reading one file gave: a reason to skip it, or its hash and (unless not needed) pixels. */
export type PreparedFile =
  | { kind: 'skip'; reason: SkippedRecord['reason']; message: string }
  | {
      kind: 'read';
      hash: string;
      mime: string;
      /** Header dimensions (0 when unknown); the decode's displayed size replaces them. */
      width: number;
      height: number;
      /** Absent when the hash showed that no decode was needed, or it failed (see `corrupt`). */
      prepared?: PreparedImage;
      /** Why the decode failed, if it did. */
      corrupt?: string;
      /** When, where and with what it was taken (EXIF/XMP, else the file's time). */
      metadata?: PhotoMetadata;
    };

/** What a file's content hash means for the library, given what its path held before. */
export type HashVerdict = { kind: 'touched' } | { kind: 'duplicate'; of: number } | { kind: 'new' };

export function hashVerdict(
  hash: string,
  known: KnownPhoto | undefined,
  byHash: ReadonlyMap<string, number>,
  model: string,
): HashVerdict {
  if (known && known.hash === hash && known.models.includes(model)) return { kind: 'touched' };
  const original = byHash.get(hash);
  if (original !== undefined && original !== known?.id) return { kind: 'duplicate', of: original };
  return { kind: 'new' };
}

export interface PrepareDeps {
  decode(file: Blob, info: HeaderInfo): Promise<PreparedImage>;
  hash(bytes: ArrayBuffer): Promise<string>;
}

/**
 * Checks a file's header, reads and hashes it, and decodes it unless `needsDecode` says the
 * hash makes that pointless (a duplicate, or the same bytes as stored). Never throws: a file
 * that cannot be read or used comes back as a skip with its reason.
 */
export async function prepareFile(
  file: Blob,
  deps: PrepareDeps,
  needsDecode: (hash: string) => boolean,
  // Off only for bench/indexing-bench.mjs, which times indexing with and without metadata.
  readsMetadata = true,
): Promise<PreparedFile> {
  try {
    const head = new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer());
    const tail = new Uint8Array(
      await file.slice(Math.max(0, file.size - TAIL_BYTES)).arrayBuffer(),
    );
    const verdict = inspectHeader(head, tail, file.size);
    if (!verdict.ok) return { kind: 'skip', reason: verdict.reason, message: verdict.message };
    const { info } = verdict;
    const bytes = await file.arrayBuffer();
    if (info.endUnseen && imageEnd(info.kind, new Uint8Array(bytes)) === undefined)
      return { kind: 'skip', ...TRUNCATED };
    const hash = await deps.hash(bytes);
    const metadata = readsMetadata ? await metadataOf(bytes, file) : undefined;
    const read = {
      kind: 'read' as const,
      hash,
      mime: info.mime,
      width: info.width ?? 0,
      height: info.height ?? 0,
      ...(metadata ? { metadata } : {}),
    };
    if (!needsDecode(hash)) return read;
    try {
      const prepared = await deps.decode(new Blob([bytes], { type: info.mime }), info);
      return { ...read, width: prepared.width, height: prepared.height, prepared };
    } catch (e) {
      return { ...read, corrupt: e instanceof Error ? e.message : '' };
    }
  } catch (e) {
    const why = errorMessage(e);
    return {
      kind: 'skip',
      reason: 'unreadable',
      message: `The file could not be read (${why}). Was it moved or deleted?`,
    };
  }
}

/** Damaged metadata costs the metadata, never the photo. */
async function metadataOf(bytes: ArrayBuffer, file: Blob): Promise<PhotoMetadata | undefined> {
  try {
    return await readMetadata(bytes, file instanceof File ? file.lastModified : undefined);
  } catch {
    return undefined;
  }
}

/** The skip message for a file whose image data would not decode. */
export function corruptMessage(why: string | undefined): string {
  return `The image data is damaged and cannot be decoded${why ? ` (${why})` : ''}.`;
}
