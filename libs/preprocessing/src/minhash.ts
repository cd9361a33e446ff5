import { wordRuns } from './char-classes';

/**
 * MinHash over word shingles, deterministic on every platform.
 *
 * Words: lowercase runs of letters/digits/marks (punctuation and spacing are
 * ignored, so a copy that only differs in them has Jaccard 1).
 * Shingles: `shingle` consecutive words (5 by default); a document with fewer
 * words has one shingle of all of them; one with no word has no signature.
 * Hashing, 32-bit throughout (Math.imul, no floats, no bigint):
 *   word hash     = FNV-1a 32 over the word's UTF-16 code units;
 *   shingle hash  = murmur3-style mix of the word hashes in order, seeded by `seed`;
 *   permutation i = v ^ (v >>> 16) with v = shingle hash * a_i + b_i mod 2^32,
 *                   a_i odd, a_i and b_i drawn from splitmix32(seed + 2i, seed + 2i + 1)
 *                   (the shingle hashes are already fmix32-mixed, so a cheap
 *                   bijection per permutation suffices; estimates are checked
 *                   against exact Jaccard in the tests);
 *   signature[i]  = min over the shingles of permutation i.
 * Each permutation is a bijection of the 32-bit space; the estimated Jaccard
 * of two documents is the share of equal signature positions.
 */
export interface MinHashOptions {
  shingle: number;
  numPerm: number;
  seed: number;
}


function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

const permutationCache = new Map<string, { a: Uint32Array; b: Uint32Array }>();
function permutations(numPerm: number, seed: number): { a: Uint32Array; b: Uint32Array } {
  const key = `${numPerm}:${seed}`;
  let p = permutationCache.get(key);
  if (!p) {
    const a = new Uint32Array(numPerm);
    const b = new Uint32Array(numPerm);
    for (let i = 0; i < numPerm; i++) {
      a[i] = (splitmix32(seed + 2 * i) | 1) >>> 0;
      b[i] = splitmix32(seed + 2 * i + 1);
    }
    p = { a, b };
    permutationCache.set(key, p);
  }
  return p;
}

/** Distinct shingle hashes of a text (exposed for tests: exact Jaccard). */
export function shingleHashes(text: string, shingle: number, seed: number): Set<number> {
  const words = wordRuns(text.toLowerCase());
  const hashes = new Set<number>();
  if (words.length === 0) return hashes;
  const wh = words.map(fnv1a);
  const n = Math.min(shingle, wh.length);
  for (let i = 0; i + n <= wh.length; i++) {
    let h = seed >>> 0;
    for (let k = 0; k < n; k++) {
      h = Math.imul(h ^ wh[i + k], 0x5bd1e995);
      h ^= h >>> 15;
    }
    hashes.add(fmix32(h ^ n));
  }
  return hashes;
}

export function minhashSignature(text: string, o: MinHashOptions): Uint32Array | null {
  const shingles = shingleHashes(text, o.shingle, o.seed);
  if (shingles.size === 0) return null;
  const { a, b } = permutations(o.numPerm, o.seed);
  const sig = new Uint32Array(o.numPerm).fill(0xffffffff);
  for (const x of shingles) {
    for (let i = 0; i < o.numPerm; i++) {
      const m = (Math.imul(x, a[i]) + b[i]) | 0;
      const v = (m ^ (m >>> 16)) >>> 0;
      if (v < sig[i]) sig[i] = v;
    }
  }
  return sig;
}

export function estimateJaccard(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let same = 0;
  for (let i = 0; i < x.length; i++) if (x[i] === y[i]) same += 1;
  return same / x.length;
}

export function exactJaccard(x: Set<number>, y: Set<number>): number {
  let inter = 0;
  for (const v of x) if (y.has(v)) inter += 1;
  const union = x.size + y.size - inter;
  return union === 0 ? 1 : inter / union;
}

/** LSH bucket keys: band index + the band's rows, so equal bands collide. */
export function lshBandKeys(sig: ArrayLike<number>, bands: number, rows: number): string[] {
  const keys: string[] = new Array(bands);
  for (let b = 0; b < bands; b++) {
    let k = `${b}`;
    for (let r = 0; r < rows; r++) k += `:${sig[b * rows + r].toString(36)}`;
    keys[b] = k;
  }
  return keys;
}

/**
 * The LSH S-curve: probability that two documents of Jaccard `s` share at least
 * one band, 1 - (1 - s^rows)^bands. Its midpoint is about (1/bands)^(1/rows).
 */
export function lshCandidateProbability(s: number, bands: number, rows: number): number {
  return 1 - Math.pow(1 - Math.pow(s, rows), bands);
}
