import { WORD, bmpClassOf, classAt, isSurrogate } from './char-classes';

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

/** Word hashes, then shingle hashes, of the last text: scratch reused across documents. */
let wordHashes = new Int32Array(1024);
let shingleScratch = new Int32Array(1024);
/** Scratch grown past this for a huge document is let go after use. */
const RETAIN_SCRATCH = 1 << 16;

function releaseScratch(): void {
  if (wordHashes.length > RETAIN_SCRATCH) wordHashes = new Int32Array(1024);
  if (shingleScratch.length > RETAIN_SCRATCH) shingleScratch = new Int32Array(1024);
}

/**
 * Shingle hashes of a text, in order, repeats included (a repeat cannot change
 * a minimum), in shingleScratch[0, count). The words are the runs of WORD
 * code points of the lowercased text, hashed with FNV-1a as they are scanned
 * (no substring per word).
 */
function scanShingles(text: string, shingle: number, seed: number): number {
  const t = text.toLowerCase();
  const len = t.length;
  let words = 0;
  let h = 0;
  let inWord = false;
  for (let i = 0; i < len; i++) {
    const c = t.charCodeAt(i);
    let cls: number;
    let width = 1;
    if (!isSurrogate(c)) cls = bmpClassOf(c);
    else ({ cls, width } = classAt(t, i));
    if (cls === WORD) {
      if (!inWord) {
        inWord = true;
        h = 0x811c9dc5;
      }
      h = Math.imul(h ^ c, 0x01000193);
      if (width === 2) {
        h = Math.imul(h ^ t.charCodeAt(i + 1), 0x01000193);
        i += 1;
      }
    } else {
      if (inWord) {
        if (words === wordHashes.length) wordHashes = grow(wordHashes);
        wordHashes[words++] = h;
        inWord = false;
      }
      i += width - 1;
    }
  }
  if (inWord) {
    if (words === wordHashes.length) wordHashes = grow(wordHashes);
    wordHashes[words++] = h;
  }
  if (words === 0) return 0;
  const n = Math.min(shingle, words);
  const count = words - n + 1;
  if (shingleScratch.length < count) shingleScratch = new Int32Array(Math.max(count, shingleScratch.length * 2));
  const wh = wordHashes;
  for (let i = 0; i < count; i++) {
    let x = seed | 0;
    for (let k = 0; k < n; k++) {
      x = Math.imul(x ^ wh[i + k], 0x5bd1e995);
      x ^= x >>> 15;
    }
    shingleScratch[i] = fmix32(x ^ n);
  }
  return count;
}

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** Distinct shingle hashes of a text (exposed for tests: exact Jaccard). */
export function shingleHashes(text: string, shingle: number, seed: number): Set<number> {
  const count = scanShingles(text, shingle, seed);
  const hashes = new Set<number>();
  for (let i = 0; i < count; i++) hashes.add(shingleScratch[i] >>> 0);
  releaseScratch();
  return hashes;
}

/*
 * Minima are taken on signed 32-bit values with the sign bit flipped (same
 * order as unsigned), so V8 keeps every value a small integer; four
 * permutations per pass over the shingles read each shingle once for four.
 */
export function minhashSignature(text: string, o: MinHashOptions): Uint32Array | null {
  const count = scanShingles(text, o.shingle, o.seed);
  if (count === 0) return null;
  const xs = shingleScratch;
  const { a, b } = permutations(o.numPerm, o.seed);
  const sig = new Uint32Array(o.numPerm);
  const FLIP = -0x80000000;
  let i = 0;
  for (; i + 4 <= o.numPerm; i += 4) {
    const a0 = a[i] | 0;
    const a1 = a[i + 1] | 0;
    const a2 = a[i + 2] | 0;
    const a3 = a[i + 3] | 0;
    const b0 = b[i] | 0;
    const b1 = b[i + 1] | 0;
    const b2 = b[i + 2] | 0;
    const b3 = b[i + 3] | 0;
    let m0 = 0x7fffffff;
    let m1 = 0x7fffffff;
    let m2 = 0x7fffffff;
    let m3 = 0x7fffffff;
    for (let j = 0; j < count; j++) {
      const x = xs[j];
      let v = (Math.imul(x, a0) + b0) | 0;
      v = v ^ (v >>> 16) ^ FLIP;
      if (v < m0) m0 = v;
      v = (Math.imul(x, a1) + b1) | 0;
      v = v ^ (v >>> 16) ^ FLIP;
      if (v < m1) m1 = v;
      v = (Math.imul(x, a2) + b2) | 0;
      v = v ^ (v >>> 16) ^ FLIP;
      if (v < m2) m2 = v;
      v = (Math.imul(x, a3) + b3) | 0;
      v = v ^ (v >>> 16) ^ FLIP;
      if (v < m3) m3 = v;
    }
    sig[i] = m0 ^ FLIP;
    sig[i + 1] = m1 ^ FLIP;
    sig[i + 2] = m2 ^ FLIP;
    sig[i + 3] = m3 ^ FLIP;
  }
  for (; i < o.numPerm; i++) {
    const ai = a[i] | 0;
    const bi = b[i] | 0;
    let m = 0x7fffffff;
    for (let j = 0; j < count; j++) {
      let v = (Math.imul(xs[j], ai) + bi) | 0;
      v = v ^ (v >>> 16) ^ FLIP;
      if (v < m) m = v;
    }
    sig[i] = m ^ FLIP;
  }
  releaseScratch();
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
