export interface Hit {
  id: number;
  score: number;
}

function dot(a: Float32Array, aOffset: number, b: Float32Array, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < dim; j += 4) {
    s0 += a[aOffset + j]! * b[j]!;
    s1 += a[aOffset + j + 1]! * b[j + 1]!;
    s2 += a[aOffset + j + 2]! * b[j + 2]!;
    s3 += a[aOffset + j + 3]! * b[j + 3]!;
  }
  for (; j < dim; j++) s0 += a[aOffset + j]! * b[j]!;
  return s0 + s1 + s2 + s3;
}

/**
 * Exact top-k by inner product over a packed row-major matrix. A bounded min-heap
 * keeps memory at O(k) and avoids sorting every score.
 */
export function topK(
  vectors: Float32Array,
  dim: number,
  ids: Uint32Array,
  query: Float32Array,
  k: number,
  exclude?: (id: number) => boolean,
  /** When given, receives the sum and count of every score computed (for the mean). */
  stats?: { sum: number; count: number },
  /**
   * Per-row multipliers (a tuned adapter's folded norms): score = (query·row)·scale. The
   * stored vectors stay where they are; switching adapters swaps this array.
   */
  scales?: Float32Array,
): Hit[] {
  const n = ids.length;
  const cap = Math.min(k, n);
  if (cap <= 0) return [];
  let sum = 0;
  let count = 0;
  const heapScore = new Float64Array(cap);
  const heapRow = new Int32Array(cap);
  let size = 0;

  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && heapScore[l]! < heapScore[m]!) m = l;
      if (r < size && heapScore[r]! < heapScore[m]!) m = r;
      if (m === i) return;
      [heapScore[i], heapScore[m]] = [heapScore[m]!, heapScore[i]!];
      [heapRow[i], heapRow[m]] = [heapRow[m]!, heapRow[i]!];
      i = m;
    }
  };

  for (let row = 0; row < n; row++) {
    if (exclude?.(ids[row]!)) continue;
    const s = scales
      ? dot(vectors, row * dim, query, dim) * scales[row]!
      : dot(vectors, row * dim, query, dim);
    sum += s;
    count++;
    if (size < cap) {
      let i = size++;
      heapScore[i] = s;
      heapRow[i] = row;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (heapScore[p]! <= heapScore[i]!) break;
        [heapScore[i], heapScore[p]] = [heapScore[p]!, heapScore[i]!];
        [heapRow[i], heapRow[p]] = [heapRow[p]!, heapRow[i]!];
        i = p;
      }
    } else if (s > heapScore[0]!) {
      heapScore[0] = s;
      heapRow[0] = row;
      siftDown(0);
    }
  }
  if (stats) {
    stats.sum = sum;
    stats.count = count;
  }
  // Ties keep the earlier-stored photo first (the heap already prefers it on entry), so
  // repeated searches show a stable order.
  const order = Array.from({ length: size }, (_, i) => i).sort(
    (a, b) => heapScore[b]! - heapScore[a]! || heapRow[a]! - heapRow[b]!,
  );
  return order.map((i) => ({ id: ids[heapRow[i]!]!, score: heapScore[i]! }));
}
