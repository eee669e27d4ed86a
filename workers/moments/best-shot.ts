import type { BestShotWeights } from '../../src/core/manifest';
import { sharpnessScore } from '../../src/core/subject-sharpness';
import type { MemberReasons } from './protocol';

/** What is known of one photo when its group's best shot is chosen (null: not known). */
export interface MemberFigures {
  photoId: number;
  /** The LAION head's output, about 1–10. */
  laion: number | null;
  /** src/core/subject-sharpness.ts's figure (grey levels). */
  sharpness: number | null;
  /** The pixel statistics' exposure appeal, 0–1. */
  exposure: number | null;
  /** The tuned model's score, any scale. */
  taste: number | null;
  /** Pixels, for ties. */
  pixels: number;
}

/**
 * How much each figure counts. Near-identical frames differ least in what the aesthetic head sees
 * and most in focus and light, so sharpness of the subject leads; the person's own tuned model,
 * when active, counts as much as the rest together. A profile's manifest may set its own, chosen
 * on measured data (docs/moments.md).
 */
export const BEST_SHOT_WEIGHTS: BestShotWeights = {
  aesthetic: 0.3,
  subjectSharpness: 0.45,
  exposure: 0.25,
  taste: 1,
};

type Figure = 'aesthetic' | 'subjectSharpness' | 'exposure' | 'taste';

/**
 * Each figure on its 0–1 scale; exposure and the tuned model's within the group (exposureReadings;
 * the tuned model's scale is its own).
 */
function readings(members: readonly MemberFigures[]): Record<Figure, (number | null)[]> {
  const tastes = members.map((m) => m.taste).filter((v): v is number => v !== null);
  const lo = Math.min(...tastes);
  const span = Math.max(...tastes) - lo;
  return {
    aesthetic: members.map((m) =>
      m.laion === null ? null : Math.min(1, Math.max(0, m.laion / 10)),
    ),
    subjectSharpness: members.map((m) =>
      m.sharpness === null ? null : sharpnessScore(m.sharpness),
    ),
    exposure: exposureReadings(members),
    taste: members.map((m) =>
      m.taste === null || tastes.length < 2 ? null : span > 0 ? (m.taste - lo) / span : 0.5,
    ),
  };
}

/**
 * Exposure within the group: the frames of a burst share their scene's light, so a frame whose
 * exposure appeal departs from the group's median was darkened or blown out, whichever way its
 * own appeal moved (a dark frame of a bright scene can read as better exposed than the rest).
 * Read 1 − |appeal − median|. A median needs three or more known figures; with fewer there is no
 * majority to depart from, and the appeal is read as it is.
 */
function exposureReadings(members: readonly MemberFigures[]): (number | null)[] {
  const known = members.map((m) => m.exposure).filter((v): v is number => v !== null);
  if (known.length < 3) return members.map((m) => m.exposure);
  known.sort((a, b) => a - b);
  const n = known.length;
  const median = n % 2 ? known[(n - 1) / 2]! : (known[n / 2 - 1]! + known[n / 2]!) / 2;
  return members.map((m) => (m.exposure === null ? null : 1 - Math.abs(m.exposure - median)));
}

/**
 * The group's members best first, with the figures "Why this one?" shows. A figure some members
 * lack is read as the group's mean for them, so a photo not yet scored neither wins nor loses by it.
 */
export function rankMembers(
  members: readonly MemberFigures[],
  weights: BestShotWeights = BEST_SHOT_WEIGHTS,
): MemberReasons[] {
  const r = readings(members);
  const filled = {} as Record<Figure, number[]>;
  for (const f of Object.keys(r) as Figure[]) {
    const known = r[f].filter((v): v is number => v !== null);
    const mean = known.length ? known.reduce((s, v) => s + v, 0) / known.length : 0;
    filled[f] = r[f].map((v) => v ?? mean);
  }
  const reasons = members.map((m, i) => {
    let total = 0;
    for (const f of Object.keys(r) as Figure[]) total += weights[f] * filled[f][i]!;
    return {
      photoId: m.photoId,
      aesthetic: r.aesthetic[i]!,
      subjectSharpness: r.subjectSharpness[i]!,
      exposure: r.exposure[i]!,
      taste: r.taste[i]!,
      total,
    };
  });
  const pixelsOf = new Map(members.map((m) => [m.photoId, m.pixels]));
  return reasons.sort(
    (a, b) =>
      b.total - a.total ||
      pixelsOf.get(b.photoId)! - pixelsOf.get(a.photoId)! ||
      a.photoId - b.photoId,
  );
}
