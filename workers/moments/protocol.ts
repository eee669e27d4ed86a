/**
 * The moments worker: groups near-identical photos in two tiers and picks each group's best
 * shot. Everything here is computed from what the library already stores (vectors, capture
 * times, scores), so the page only asks; see docs/moments.md.
 */

/** `copy`: the same picture re-encoded, resized, lightly edited or cropped (or byte-identical).
 *  `moment`: shots of one scene close together in time (or, without times, very similar). */
export type MomentTier = 'copy' | 'moment';

/**
 * One photo's figures in "Why this one?", each already on a 0–1 scale where higher is better
 * (null: not known for this photo, e.g. not yet scored). `total` is what the best shot is
 * chosen by; the others explain it.
 */
export interface MemberReasons {
  photoId: number;
  /** The profile's aesthetic head (LAION), rescaled 0–1 over the library. */
  aesthetic: number | null;
  /** Peak sharpness over tiles at ≥ 512 px (the subject), 0–1. */
  subjectSharpness: number | null;
  /** 1 − how far the exposure is from good (clipping, mean luminance), 0–1. */
  exposure: number | null;
  /** The person's tuned model ("Tune to my taste"), 0–1 within the group; null when none is active. */
  taste: number | null;
  /** The weighted sum the best shot is chosen by. */
  total: number;
}

export interface MomentGroup {
  /**
   * Stable while the group keeps its earliest member: `<tier>-<smallest photo id>`. Culling
   * decisions store it (CullRecord.group) for export only.
   */
  id: string;
  tier: MomentTier;
  /** Photo ids, best first, then by capture time (or id). Byte-identical duplicates included. */
  members: number[];
  /** The suggested keeper: members[0]. */
  best: number;
  /** Same order as `members`. */
  reasons: MemberReasons[];
  /**
   * Members that are copies of each other (two or more each, byte-identical duplicates with
   * their original). A `copy` group is one such set; a `moment` may hold some.
   */
  copySets: number[][];
}

export interface MomentsRequest {
  profileId: string;
  /**
   * Per-photo scores from the person's active tuned model, when one is active (the page gets
   * them from the search/tuning side; any scale, compared within a group only).
   */
  taste?: { ids: Uint32Array; scores: Float32Array };
}

export interface MomentsResult {
  /** Groups of two or more photos; a photo is in at most one group (copies win over moments). */
  groups: MomentGroup[];
  /** The library version these groups were computed at (`meta.libraryVersion`). */
  libraryVersion: number;
  /** Photos with a vector under the profile's model that were considered. */
  photos: number;
  /** Milliseconds spent; `incremental` when only added/removed photos were (re)grouped. */
  ms: number;
  incremental: boolean;
}

export interface MomentsProgress {
  state: 'running' | 'done';
  done: number;
  total: number;
}

/** The moments worker's interface; the page reaches it through Comlink. */
export interface MomentsApi {
  /**
   * The groups of the library as it stands. The first call per profile groups from scratch;
   * later calls regroup incrementally from what changed since the last (photos added or
   * removed: the library version moved). Cheap when nothing changed.
   */
  groups(
    request: MomentsRequest,
    onProgress?: (p: MomentsProgress) => void,
  ): Promise<MomentsResult>;
  /** Forgets cached state (e.g. after a library import replaced everything). */
  reset(): void;
}
