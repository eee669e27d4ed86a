/** Scales a vector to unit length in place (a zero vector stays zero), and returns it. */
export function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return v;
}

/** A weighted mix of two unit vectors, scaled back to unit length. */
export function blend(a: Float32Array, b: Float32Array, weightOfB: number): Float32Array {
  const w = Math.min(1, Math.max(0, weightOfB));
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (1 - w) * a[i]! + w * b[i]!;
  return normalize(out);
}
