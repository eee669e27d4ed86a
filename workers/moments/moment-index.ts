import { LAYOUT_BYTES, layoutColourDistance, layoutStructure } from '../../src/core/colour-layout';
import type { MomentThresholds } from '../../src/core/manifest';
import { completeLinkage, type PairJudge } from './linkage';
import {
  DEFAULT_BANDS,
  HAMMING_LIMIT,
  MAX_SLOTS,
  SignBands,
  hamming,
  type BandSettings,
} from './sign-bands';

/**
 * The library's moments, kept up to date as photos come and go.
 *
 * Candidate pairs come from two places: capture times (each photo with the shots within
 * `windowSeconds` after it) and sign-bit bands (SignBands), for copies and photos without a
 * time. Each candidate is judged on its cosine (int8 codes, as stored) and, where both photos have
 * one, their colour layouts (src/core/colour-layout.ts), and kept as an edge if it could group. Groups are then formed per connected component of the edges by complete linkage
 * (linkage.ts), so a chain of similar photos never joins unlike photos at its ends. Adding or
 * removing photos regroups only the components they touch, which gives the same groups as
 * grouping everything from scratch.
 */

export interface MomentCluster {
  /** Photo ids, ascending. */
  members: number[];
  /** Subsets of two or more photos that are copies of each other. */
  copySets: number[][];
}

/** Colour layouts of a batch: `bytes` n × LAYOUT_BYTES, `has[i]` 1 where photo i has one. */
export interface BatchLayouts {
  bytes: Uint8Array;
  has: Uint8Array;
}

/**
 * An edge's weight: copies weigh COPY_WEIGHT + cosine, so that they always link before any moment
 * does; moments weigh their similarity (cosine, or cosine blended with structure).
 */
const COPY_WEIGHT = 2;

/** Capture times this far apart or more are two shots, never copies of one (EXIF counts seconds). */
const SAME_SHOT_MS = 1000;

/** Most later shots a photo is paired with by time (a burst longer than this chains through). */
const TIME_NEIGHBOURS = 48;

/**
 * Below this many photos every pair is compared (at most half a million cosines) and no band is
 * built: the bands centre on the library's mean, which a few photos do not yet show.
 */
const BRUTE_FORCE_BELOW = 1024;

export class MomentIndex {
  readonly #dim: number;
  readonly #t: MomentThresholds;
  readonly #bands: SignBands;
  #codes: Int8Array;
  #scales = new Float32Array(0);
  #times = new Float64Array(0);
  #ids = new Uint32Array(0);
  #alive = new Uint8Array(0);
  #layouts = new Uint8Array(0);
  #hasLayout = new Uint8Array(0);
  /** Each layout's mean red, green and blue (three a slot): #meanColourGap. */
  #layoutMeans = new Float64Array(0);
  #n = 0;
  #slotOf = new Map<number, number>();
  #edges: Map<number, number>[] = [];
  /** Time-sorted slots of photos with a capture time. */
  #byTime: number[] = [];
  #clusterOf = new Map<number, number[]>();
  #banded = false;
  /** SignBands.signs of every slot, once banded. */
  #signs = new Uint32Array(0);

  constructor(dim: number, thresholds: MomentThresholds, bands: BandSettings = DEFAULT_BANDS) {
    this.#dim = dim;
    this.#t = thresholds;
    this.#bands = new SignBands(dim, bands);
    this.#codes = new Int8Array(0);
  }

  get size(): number {
    return this.#slotOf.size;
  }

  has(id: number): boolean {
    return this.#slotOf.has(id);
  }

  /** Whether a photo was added with a colour layout. */
  hasLayout(id: number): boolean {
    const slot = this.#slotOf.get(id);
    return slot !== undefined && this.#hasLayout[slot] === 1;
  }

  /** The int8 scale a photo's vector was added with (a changed vector has another). */
  scaleOf(id: number): number | undefined {
    const slot = this.#slotOf.get(id);
    return slot === undefined ? undefined : this.#scales[slot];
  }

  ids(): number[] {
    return [...this.#slotOf.keys()];
  }

  /** Cosine of two slots' stored vectors. */
  similarity(a: number, b: number): number {
    const dim = this.#dim;
    const codes = this.#codes;
    let dot = 0;
    for (let j = 0, x = a * dim, y = b * dim; j < dim; j++) dot += codes[x + j]! * codes[y + j]!;
    return dot * this.#scales[a]! * this.#scales[b]!;
  }

  /**
   * Adds photos: int8 codes (n × dim) with their scales, capture times in ms (NaN: none) and,
   * optionally, colour layouts. A photo already held is replaced.
   */
  add(
    ids: Uint32Array,
    codes: Int8Array,
    scales: Float32Array,
    times: Float64Array,
    layouts?: BatchLayouts,
  ): void {
    this.remove(Array.from(ids).filter((id) => this.#slotOf.has(id)));
    const n = ids.length;
    const first = this.#n;
    if (first + n > MAX_SLOTS) throw new RangeError('moments: too many photos');
    this.#grow(first + n);
    this.#codes.set(codes.subarray(0, n * this.#dim), first * this.#dim);
    this.#scales.set(scales.subarray(0, n), first);
    this.#times.set(times.subarray(0, n), first);
    this.#ids.set(ids, first);
    if (layouts) {
      this.#layouts.set(layouts.bytes.subarray(0, n * LAYOUT_BYTES), first * LAYOUT_BYTES);
      this.#hasLayout.set(layouts.has.subarray(0, n), first);
      for (let i = 0; i < n; i++) {
        const at = (first + i) * LAYOUT_BYTES;
        for (let c = 0; c < 3; c++) {
          let sum = 0;
          for (let k = c; k < LAYOUT_BYTES; k += 3) sum += this.#layouts[at + k]!;
          this.#layoutMeans[(first + i) * 3 + c] = sum / (LAYOUT_BYTES / 3);
        }
      }
    } else {
      this.#hasLayout.fill(0, first, first + n);
    }
    const slots = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      slots[i] = first + i;
      this.#alive[first + i] = 1;
      this.#slotOf.set(ids[i]!, first + i);
      this.#edges[first + i] = new Map();
    }
    this.#n = first + n;

    const touched = new Set<number>(slots);
    const judge = (a: number, b: number) => {
      if (a === b || this.#edges[a]!.has(b)) return;
      const w = this.#weigh(a, b);
      if (!this.#canGroup(a, b, w)) return;
      this.#edges[a]!.set(b, w);
      this.#edges[b]!.set(a, w);
      touched.add(a).add(b);
    };
    const bandJudge = (a: number, b: number) => {
      if (hamming(this.#signs, a, b) <= HAMMING_LIMIT) judge(a, b);
    };
    if (this.#banded) {
      const keys = this.#bands.keys(codes, n);
      this.#signs.set(this.#bands.signs(codes, n), first * 2);
      this.#bands.add(slots, keys, this.#alive, { push: bandJudge });
    } else if (this.#n < BRUTE_FORCE_BELOW) {
      for (const a of slots) for (let b = 0; b < a; b++) if (this.#alive[b]) judge(b, a);
    } else {
      // Large enough for a stable mean: from now on the bands find the pairs, held rows too.
      this.#banded = true;
      const held = Uint32Array.from(this.#slotOf.values()).sort();
      const heldCodes = new Int8Array(held.length * this.#dim);
      held.forEach((s, i) =>
        heldCodes.set(this.#codes.subarray(s * this.#dim, (s + 1) * this.#dim), i * this.#dim),
      );
      const keys = this.#bands.keys(heldCodes, held.length);
      const signs = this.#bands.signs(heldCodes, held.length);
      held.forEach((s, i) => this.#signs.set(signs.subarray(2 * i, 2 * i + 2), 2 * s));
      this.#bands.add(held, keys, this.#alive, { push: bandJudge });
    }
    this.#pairByTime(slots, judge);
    this.#regroup(touched);
  }

  /** Removes photos; groups they were in are formed again from the rest. */
  remove(ids: Iterable<number>): void {
    const touched = new Set<number>();
    for (const id of ids) {
      const slot = this.#slotOf.get(id);
      if (slot === undefined) continue;
      this.#slotOf.delete(id);
      this.#alive[slot] = 0;
      for (const other of this.#edges[slot]!.keys()) {
        this.#edges[other]!.delete(slot);
        touched.add(other);
      }
      this.#edges[slot]!.clear();
      this.#clusterOf.delete(slot);
    }
    if (touched.size === 0) return;
    this.#byTime = this.#byTime.filter((s) => this.#alive[s]);
    this.#regroup(touched);
  }

  /** Groups of two or more photos. */
  clusters(): MomentCluster[] {
    const out: MomentCluster[] = [];
    const seen = new Set<number[]>();
    for (const cluster of this.#clusterOf.values()) {
      if (seen.has(cluster) || cluster.length < 2) continue;
      seen.add(cluster);
      const copyJudge: PairJudge = (a, b) => {
        const w = this.#edges[a]!.get(b) ?? this.#weigh(a, b);
        return w >= COPY_WEIGHT ? w : null;
      };
      const edges = this.#edgeList(cluster, (w) => w >= COPY_WEIGHT);
      const copySets = completeLinkage(cluster, edges, copyJudge, () => true)
        .filter((c) => c.length > 1)
        .map((c) => this.#toIds(c));
      out.push({ members: this.#toIds(cluster), copySets });
    }
    return out.sort((a, b) => a.members[0]! - b.members[0]!);
  }

  #toIds(slots: number[]): number[] {
    return slots.map((s) => this.#ids[s]!).sort((a, b) => a - b);
  }

  #hasTime(slot: number): boolean {
    return !Number.isNaN(this.#times[slot]!);
  }

  /**
   * A pair's weight: COPY_WEIGHT + cosine for copies (cosine at least `copy`, or colour layouts
   * within `copyLayout`), else the moment similarity: the cosine, blended with the layouts'
   * structure by `structureWeight` where both photos have a layout. Two photos taken at different
   * times (both known, a second or more apart) are never copies: a copy keeps its original's
   * capture time or has none, while frames of a burst each have their own (Immich's users object
   * to bursts reported as duplicates, issue 23).
   */
  #weigh(a: number, b: number): number {
    const t = this.#t;
    const sim = this.similarity(a, b);
    const copyTimes = !(Math.abs(this.#times[a]! - this.#times[b]!) >= SAME_SHOT_MS);
    if (copyTimes && sim >= t.copy) return COPY_WEIGHT + sim;
    const w = t.structureWeight ?? 0;
    if ((!t.copyLayout && w === 0) || !this.#hasLayout[a] || !this.#hasLayout[b]) return sim;
    const layouts = this.#layouts;
    const [ao, bo] = [a * LAYOUT_BYTES, b * LAYOUT_BYTES];
    let structure: number | undefined;
    const copy = t.copyLayout;
    if (
      copy &&
      copyTimes &&
      this.#meanColourGap(a, b) <= copy.colour &&
      layoutColourDistance(layouts, ao, layouts, bo) <= copy.colour &&
      (structure = layoutStructure(layouts, ao, layouts, bo)) >= copy.structure
    ) {
      return COPY_WEIGHT + sim;
    }
    if (w === 0) return sim;
    structure ??= layoutStructure(layouts, ao, layouts, bo);
    return (1 - w) * sim + w * structure;
  }

  /**
   * The RMS over red, green and blue of the two layouts' mean colour differences: never more
   * than their colour distance (the mean of a cell's differences is at most their RMS), so a
   * pair it puts past `copyLayout.colour` is rejected for three subtractions, not 48.
   */
  #meanColourGap(a: number, b: number): number {
    const m = this.#layoutMeans;
    let sum = 0;
    for (let c = 0; c < 3; c++) sum += (m[a * 3 + c]! - m[b * 3 + c]!) ** 2;
    return Math.sqrt(sum / 3) - 1e-9;
  }

  /** Whether two photos are similar enough to link (an edge that may merge their groups). */
  #canGroup(a: number, b: number, w: number): boolean {
    const t = this.#t;
    if (w >= COPY_WEIGHT) return true;
    if (this.#hasTime(a) && this.#hasTime(b)) return w >= t.moment;
    return w >= t.momentWithoutTime;
  }

  /** Whether two photos may share a group at all (asked of every pair: the diameter bound). */
  #canShare(a: number, b: number, w: number): boolean {
    const t = this.#t;
    if (w >= COPY_WEIGHT) return true;
    if (this.#hasTime(a) && this.#hasTime(b)) return w >= (t.momentDiameter ?? t.moment);
    return w >= t.momentWithoutTime;
  }

  /** A group's shots with times must follow each other within the window: a burst, a moment. */
  #timesChain(slots: number[]): boolean {
    const times = slots
      .map((s) => this.#times[s]!)
      .filter((v) => !Number.isNaN(v))
      .sort((x, y) => x - y);
    const window = this.#t.windowSeconds * 1000;
    for (let i = 1; i < times.length; i++) if (times[i]! - times[i - 1]! > window) return false;
    return true;
  }

  #pairByTime(slots: Uint32Array, judge: (a: number, b: number) => void): void {
    const fresh = Array.from(slots).filter((s) => this.#hasTime(s));
    if (fresh.length === 0) return;
    this.#byTime = this.#byTime.concat(fresh).sort((a, b) => this.#times[a]! - this.#times[b]!);
    const freshSet = new Set(fresh);
    const window = this.#t.windowSeconds * 1000;
    const order = this.#byTime;
    for (let i = 0; i < order.length; i++) {
      const a = order[i]!;
      for (let j = i + 1; j < order.length && j <= i + TIME_NEIGHBOURS; j++) {
        const b = order[j]!;
        if (this.#times[b]! - this.#times[a]! > window) break;
        // Only pairs with a new photo are new.
        if (freshSet.has(a) || freshSet.has(b)) judge(a, b);
      }
    }
  }

  #edgeList(slots: number[], keep: (sim: number) => boolean): [number, number, number][] {
    const inside = new Set(slots);
    const edges: [number, number, number][] = [];
    for (const a of slots) {
      for (const [b, sim] of this.#edges[a]!)
        if (a < b && inside.has(b) && keep(sim)) edges.push([a, b, sim]);
    }
    return edges;
  }

  /** Regroups the connected components that hold the touched slots. */
  #regroup(touched: Set<number>): void {
    const done = new Set<number>();
    for (const start of touched) {
      if (done.has(start) || !this.#alive[start]) continue;
      const component = [start];
      done.add(start);
      for (let k = 0; k < component.length; k++) {
        for (const next of this.#edges[component[k]!]!.keys()) {
          if (!done.has(next)) {
            done.add(next);
            component.push(next);
          }
        }
      }
      const judge: PairJudge = (a, b) => {
        const w = this.#edges[a]!.get(b) ?? this.#weigh(a, b);
        return this.#canShare(a, b, w) ? w : null;
      };
      const groups = completeLinkage(
        component,
        this.#edgeList(component, () => true),
        judge,
        (g) => this.#timesChain(g),
      );
      for (const g of groups) for (const s of g) this.#clusterOf.set(s, g);
    }
  }

  #grow(need: number): void {
    if (need <= this.#scales.length) return;
    const cap = Math.max(need, this.#scales.length * 2, 1024);
    const grow = <T extends Int8Array | Float32Array | Float64Array | Uint32Array | Uint8Array>(
      old: T,
      make: (n: number) => T,
      per = 1,
    ): T => {
      const next = make(cap * per);
      next.set(old);
      return next;
    };
    this.#codes = grow(this.#codes, (k) => new Int8Array(k), this.#dim);
    this.#scales = grow(this.#scales, (k) => new Float32Array(k));
    this.#times = grow(this.#times, (k) => new Float64Array(k));
    this.#ids = grow(this.#ids, (k) => new Uint32Array(k));
    this.#alive = grow(this.#alive, (k) => new Uint8Array(k));
    this.#layouts = grow(this.#layouts, (k) => new Uint8Array(k), LAYOUT_BYTES);
    this.#hasLayout = grow(this.#hasLayout, (k) => new Uint8Array(k));
    this.#layoutMeans = grow(this.#layoutMeans, (k) => new Float64Array(k), 3);
    this.#signs = grow(this.#signs, (k) => new Uint32Array(k), 2);
  }
}
