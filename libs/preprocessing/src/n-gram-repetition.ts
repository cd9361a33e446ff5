/**
 * The two n-gram measures of the Gopher repetition rules, over a document's
 * words, without building n-gram strings and with exact equality:
 * - top n-gram: n-grams are datatrove's `" ".join(words)`; words hold no
 *   whitespace, so two are equal exactly when their word sequences are;
 * - duplicated n-grams: n-grams are `"".join(words)`, so different word
 *   sequences with the same characters ("U.S" vs "U", ".", "S") are equal.
 * Each n-gram gets a 32-bit key in O(1) from prefix hashes (a polynomial hash
 * mod 2^32 of the words' characters, chained over the words), which only
 * picks the slot: an n-gram is counted with an earlier one only after its
 * words (or, for the joined form, its characters) compare equal, so a hash
 * collision costs a comparison and never changes a count.
 * The tables and arrays are module-level scratch, grown on demand and reused
 * (a generation stamp empties a table in O(1)): one allocation per size, not
 * per document and n.
 */
const BASE = 0x01000193;
/** Scratch grown past this many words (a huge document) is let go after use: a worker keeps a few MB at most. */
const RETAIN_WORDS = 1 << 16;

let scratchCap = 0;
/** Polynomial hash of each word's characters. */
let wordHash = new Int32Array(0);
/** Index of the first occurrence of the same word: equal words, equal ids. */
let wordId = new Int32Array(0);
/** Hash of the concatenation of words [0, w). */
let joinedPrefix = new Int32Array(0);
/** Hash of the sequence of word hashes [0, w). */
let spacedPrefix = new Int32Array(0);
/** Character offset of word w in the concatenation. */
let at = new Int32Array(0);
/** BASE^k mod 2^32 (the same for every document, so kept and extended). */
let basePow = new Int32Array([1]);

function ensureScratch(words: number): void {
  if (words + 1 <= scratchCap) return;
  let cap = Math.max(1024, scratchCap);
  while (cap < words + 1) cap *= 2;
  wordHash = new Int32Array(cap);
  wordId = new Int32Array(cap);
  joinedPrefix = new Int32Array(cap);
  spacedPrefix = new Int32Array(cap);
  at = new Int32Array(cap);
  scratchCap = cap;
}

function ensurePow(k: number): void {
  if (k < basePow.length) return;
  let cap = basePow.length;
  while (cap <= k) cap *= 2;
  const next = new Int32Array(cap);
  next.set(basePow);
  for (let i = basePow.length; i < cap; i++) next[i] = Math.imul(next[i - 1], BASE);
  basePow = next;
}

/** Slot index from a key: the polynomial's low bits alone cluster badly. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Slots a table uses for `entries`: at most half full, at least 1024. A table
 * grown by a larger document keeps its memory but a smaller one only uses
 * the slots it needs (stale slots beyond them are never probed, those within
 * read as empty), so its probes stay within a cache-sized part.
 */
function slotsFor(entries: number): number {
  let cap = 1024;
  while (cap < entries * 2) cap *= 2;
  return cap;
}

/*
 * One Int32Array, four ints per slot (generation stamp, key, word index of
 * the first occurrence, count), so a probe touches one cache line.
 */
let tableCap = 0;
let table = new Int32Array(0);
let generation = 0;

/** An empty table with room for `entries` at most half full; returns the slot mask. */
function resetTable(entries: number): number {
  const cap = slotsFor(entries);
  if (cap > tableCap) {
    table = new Int32Array(cap * 4);
    tableCap = cap;
    generation = 0;
  }
  if (generation >= 0x7ffffffe) {
    table.fill(0);
    generation = 0;
  }
  generation += 1;
  return cap - 1;
}

/*
 * The duplicated n-gram scan needs no count: two ints per slot (key, and
 * base + word index of the first occurrence). A slot is empty unless its
 * second int is >= the current base, which moves past every index of the
 * previous scan, so emptying is O(1) here too and a slot is 8 bytes.
 */
let seenCap = 0;
let seen = new Int32Array(0);
let seenBase = 1;

function resetSeen(entries: number, words: number): number {
  const cap = slotsFor(entries);
  if (cap > seenCap) {
    seen = new Int32Array(cap * 2);
    seenCap = cap;
    seenBase = 1;
  } else if (seenBase > 0x7fffffff - 2 * (words + 1)) {
    seen.fill(0);
    seenBase = 1;
  }
  return cap - 1;
}

/*
 * Word ids, so that comparing n-grams compares ints: each word is looked up
 * by its hash in a table of first occurrences (8-byte slots: hash, base +
 * index, emptied by moving the base) and confirmed by comparing the strings,
 * once per word instead of once per word per matching n-gram and n.
 */
let idCap = 0;
let idTable = new Int32Array(0);
let idBase = 1;

function internWords(words: readonly string[], n: number): void {
  const cap = slotsFor(n);
  if (cap > idCap) {
    idTable = new Int32Array(cap * 2);
    idCap = cap;
    idBase = 1;
  } else if (idBase > 0x7fffffff - 2 * (n + 1)) {
    idTable.fill(0);
    idBase = 1;
  }
  const slots = 2 * cap - 1;
  const base = idBase;
  const t = idTable;
  for (let w = 0; w < n; w++) {
    const h = wordHash[w];
    let s = (mix(h) & (cap - 1)) << 1;
    for (;;) {
      const first = t[s + 1];
      if (first < base) {
        t[s] = h;
        t[s + 1] = base + w;
        wordId[w] = w;
        break;
      }
      if (t[s] === h && words[first - base] === words[w]) {
        wordId[w] = first - base;
        break;
      }
      s = (s + 2) & slots;
    }
  }
  idBase = base + n + 1;
}

/** Are the word sequences at a and b, n words each, the same? */
function sameWords(a: number, b: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (wordId[a + k] !== wordId[b + k]) return false;
  return true;
}

/** Are the concatenations of words [a, a+n) and [b, b+n) the same string? */
function sameJoined(words: readonly string[], a: number, b: number, n: number): boolean {
  if (at[a + n] - at[a] !== at[b + n] - at[b]) return false;
  if (sameWords(a, b, n)) return true;
  // Same characters split differently into words: walk both.
  let wa = a;
  let ia = 0;
  let wb = b;
  let ib = 0;
  const endA = a + n;
  while (wa < endA) {
    const sa = words[wa];
    const sb = words[wb];
    if (ia === sa.length) {
      wa += 1;
      ia = 0;
      continue;
    }
    if (ib === sb.length) {
      wb += 1;
      ib = 0;
      continue;
    }
    if (sa.charCodeAt(ia) !== sb.charCodeAt(ib)) return false;
    ia += 1;
    ib += 1;
  }
  return true;
}

export class WordNGrams {
  private readonly count: number;

  /** Holds scratch state until the next WordNGrams: use one at a time. */
  constructor(private readonly words: readonly string[]) {
    const n = words.length;
    this.count = n;
    ensureScratch(n);
    let joined = 0;
    let spaced = 0;
    let chars = 0;
    for (let w = 0; w < n; w++) {
      const s = words[w];
      let h = 0;
      for (let i = 0; i < s.length; i++) h = (Math.imul(h, BASE) + s.charCodeAt(i)) | 0;
      if (s.length >= basePow.length) ensurePow(s.length);
      wordHash[w] = h;
      at[w] = chars;
      joinedPrefix[w] = joined;
      spacedPrefix[w] = spaced;
      joined = (Math.imul(joined, basePow[s.length]) + h) | 0;
      spaced = (Math.imul(spaced, 0x5bd1e995) + h) | 0;
      chars += s.length;
    }
    at[n] = chars;
    joinedPrefix[n] = joined;
    spacedPrefix[n] = spaced;
    internWords(words, n);
  }

  /** Lets go of scratch grown past RETAIN_WORDS (the next large document regrows what it needs). */
  release(): void {
    if (scratchCap > RETAIN_WORDS + 1) {
      wordHash = wordId = joinedPrefix = spacedPrefix = at = new Int32Array(0);
      scratchCap = 0;
    }
    if (tableCap > 2 * RETAIN_WORDS) {
      table = new Int32Array(0);
      tableCap = 0;
      generation = 0;
    }
    if (seenCap > 2 * RETAIN_WORDS) {
      seen = new Int32Array(0);
      seenCap = 0;
      seenBase = 1;
    }
    if (idCap > 2 * RETAIN_WORDS) {
      idTable = new Int32Array(0);
      idCap = 0;
      idBase = 1;
    }
    if (basePow.length > RETAIN_WORDS) basePow = basePow.slice(0, 1024);
  }

  /**
   * Characters of the most frequent n-gram (words joined by single spaces;
   * the first to reach the top count on a tie, like Counter.most_common(1))
   * times its count; 0 when there are fewer than n words.
   */
  topNGramChars(n: number): number {
    const count = this.count;
    if (count < n) return 0;
    let mul = 1;
    for (let k = 0; k < n; k++) mul = Math.imul(mul, 0x5bd1e995);
    const mask = resetTable(count - n + 1);
    const gen = generation;
    const t = table;
    let bestLen = 0;
    let bestCount = 0;
    for (let i = 0; i + n <= count; i++) {
      const key = (spacedPrefix[i + n] - Math.imul(spacedPrefix[i], mul)) | 0;
      let s = mix(key) & mask;
      let c: number;
      for (;;) {
        const at4 = s << 2;
        if (t[at4] !== gen) {
          t[at4] = gen;
          t[at4 + 1] = key;
          t[at4 + 2] = i;
          t[at4 + 3] = 1;
          c = 1;
          break;
        }
        if (t[at4 + 1] === key && sameWords(t[at4 + 2], i, n)) {
          c = t[at4 + 3] + 1;
          t[at4 + 3] = c;
          break;
        }
        s = (s + 1) & mask;
      }
      if (c > bestCount) {
        // Strictly greater: on a tie the n-gram that reached the count first stays.
        bestLen = at[i + n] - at[i] + n - 1;
        bestCount = c;
      }
    }
    return bestLen * bestCount;
  }

  /**
   * Characters of the n-grams (words joined without spaces) that repeat an
   * earlier one, scanning left to right and skipping past each repeat, as
   * datatrove's find_all_duplicate.
   */
  duplicatedNGramChars(n: number): number {
    const words = this.words;
    const count = this.count;
    if (count < n) return 0;
    const mask = resetSeen(count - n + 1, count);
    const base = seenBase;
    const t = seen;
    let repeated = 0;
    let i = 0;
    while (i < count - n + 1) {
      const span = at[i + n] - at[i];
      if (span >= basePow.length) ensurePow(span);
      const key = (joinedPrefix[i + n] - Math.imul(joinedPrefix[i], basePow[span])) | 0;
      let s = (mix(key) & mask) << 1;
      let found = false;
      for (;;) {
        const first = t[s + 1];
        if (first < base) {
          t[s] = key;
          t[s + 1] = base + i;
          break;
        }
        if (t[s] === key && sameJoined(words, first - base, i, n)) {
          found = true;
          break;
        }
        s = (s + 2) & ((mask << 1) | 1);
      }
      if (found) {
        repeated += span;
        i += n;
      } else {
        i += 1;
      }
    }
    seenBase = base + count + 1;
    return repeated;
  }
}
