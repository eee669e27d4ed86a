// Simulated people for the taste eval (issue 22): each is a scoring function over the tiny
// world's ground truth, read beside it so that the eval, the e2e spec and the Node harness
// judge tastes alike. A person prefers a relevant photo to an irrelevant one, then prefers by
// taste; equal tastes are a tie, answered "similar" (skipped), as a person would.
import { isRelevant, type LabelField, type TruthImage, type TruthQuery } from './ground-truth';

export type PersonId =
  'night-lover' | 'snow-lover-stripe-hater' | 'dark-moody' | 'soft-focus-lover';

export interface SimulatedPerson {
  id: PersonId;
  /** What they like, in words, for reports and docs. */
  likes: string;
  /** Their score of a photo in 0..1, regardless of the query. */
  score(image: TruthImage): number;
  /**
   * Labels that, named by a query, fix the taste for every relevant photo: such queries leave
   * the taste no room, so the taste metric leaves them out.
   */
  fixedBy: readonly LabelField[];
}

/** A spoiling's visible strength, 0 when the photo carries a different one (or none). */
function spoiled(image: TruthImage, kind: string): number {
  return image.degradation === kind ? image.strength : 0;
}

export const PEOPLE: readonly SimulatedPerson[] = [
  {
    id: 'night-lover',
    likes: 'night scenes (night background 1, any other 0)',
    score: (img) => (img.background === 'night' ? 1 : 0),
    fixedBy: ['background'],
  },
  {
    id: 'snow-lover-stripe-hater',
    // Scored 1 / ½ / 0, not graded within a background, so the taste can reorder a top 10.
    likes: 'snow (1), cannot stand stripes (0), any other background ½',
    score: (img) => (img.background === 'snow' ? 1 : img.background === 'stripes' ? 0 : 0.5),
    fixedBy: ['background'],
  },
  {
    id: 'dark-moody',
    // The "dark" spoiling (underexposure) is what the generic scorers penalise most plainly.
    likes: 'dark, underexposed pictures (½ + ½·strength of the dark spoiling, else 0)',
    score: (img) => (img.degradation === 'dark' ? 0.5 + 0.5 * spoiled(img, 'dark') : 0),
    fixedBy: [],
  },
  {
    id: 'soft-focus-lover',
    likes: 'soft focus (½ + ½·strength of the blur spoiling, else 0)',
    score: (img) => (img.degradation === 'blur' ? 0.5 + 0.5 * spoiled(img, 'blur') : 0),
    fixedBy: [],
  },
];

export function personById(id: string): SimulatedPerson {
  const person = PEOPLE.find((p) => p.id === id);
  if (!person) throw new Error(`no simulated person "${id}"`);
  return person;
}

/**
 * Which of the two the person prefers: 0 for `a`, 1 for `b`, null for "similar" (a tie, skipped).
 * Relevance to the query comes first, then taste.
 */
export function prefer(
  person: SimulatedPerson,
  query: Pick<TruthQuery, 'relevant'>,
  a: TruthImage,
  b: TruthImage,
): 0 | 1 | null {
  const ra = isRelevant(a, query);
  const rb = isRelevant(b, query);
  if (ra !== rb) return ra ? 0 : 1;
  const sa = person.score(a);
  const sb = person.score(b);
  return sa === sb ? null : sa > sb ? 0 : 1;
}

/** Whether the query leaves the person's taste free to vary (names none of `fixedBy`). */
export function leavesTasteFree(person: SimulatedPerson, query: Pick<TruthQuery, 'relevant'>) {
  return person.fixedBy.every((f) => query.relevant[f] === undefined);
}

/** Mean of the person's score over the first `n` photos of a row (fewer if the row is short). */
export function tasteAt(person: SimulatedPerson, row: readonly TruthImage[], n = 10): number {
  const top = row.slice(0, n);
  if (top.length === 0) return 0;
  return top.reduce((s, img) => s + person.score(img), 0) / top.length;
}

/** The taste metric: mean over queries of tasteAt(·, 10); rows follow `queries`' order. */
export function tasteMetric(
  person: SimulatedPerson,
  rows: readonly (readonly TruthImage[])[],
  n = 10,
): number {
  if (rows.length === 0) return Number.NaN;
  return rows.reduce((s, row) => s + tasteAt(person, row, n), 0) / rows.length;
}

/** The queries a person's taste metric averages over. */
export function tasteQueries<Q extends Pick<TruthQuery, 'relevant'>>(
  person: SimulatedPerson,
  queries: readonly Q[],
): Q[] {
  return queries.filter((q) => leavesTasteFree(person, q));
}
