/**
 * Number of tokens byte-pair encoding gives one pre-tokenised piece, with the
 * exact merge rule of tiktoken / js-tiktoken: repeatedly merge the adjacent pair
 * whose concatenation has the lowest rank, the leftmost one on a tie, until no
 * adjacent pair is a token.
 *
 * `bytes` is the piece's UTF-8 bytes as a latin1 string (one char per byte).
 *
 * Two implementations of that one rule:
 * - short pieces: the straightforward scan (quadratic, but tiny n and no
 *   allocation beyond two small arrays);
 * - long pieces: a min-heap keyed by (rank, start offset) over a linked list of
 *   parts, O(n log n). Popping the smallest key is the lowest rank and, among
 *   equal ranks, the smallest offset, i.e. the leftmost pair: the same choice
 *   as the scan. Entries made stale by an earlier merge are recognised (the
 *   part is gone or its pair's rank changed) and skipped.
 * The heap path is what keeps a hostile document (1 MB of one letter: one
 * piece) from stalling a worker; js-tiktoken's own loop takes seconds at 100 KB.
 */
export function countBytePairTokens(bytes: string, ranks: ReadonlyMap<string, number>, maxTokenBytes: number, heapFromBytes = 128): number {
  const n = bytes.length;
  if (n <= 1) return n;
  if (ranks.has(bytes)) return 1;
  return n < heapFromBytes ? countByScan(bytes, ranks) : countByHeap(bytes, ranks, maxTokenBytes);
}

const NONE = Number.POSITIVE_INFINITY;

function countByScan(bytes: string, ranks: ReadonlyMap<string, number>): number {
  const n = bytes.length;
  // starts[k]..starts[k+1] is part k; pairRank[k] is the rank of parts k and k+1 joined.
  const starts: number[] = new Array(n + 1);
  for (let i = 0; i <= n; i++) starts[i] = i;
  const pairRank: number[] = new Array(n - 1);
  for (let k = 0; k < n - 1; k++) pairRank[k] = ranks.get(bytes.slice(k, k + 2)) ?? NONE;
  let parts = n;
  while (parts > 1) {
    let best = NONE;
    let at = -1;
    for (let k = 0; k < parts - 1; k++) {
      if (pairRank[k] < best) {
        best = pairRank[k];
        at = k;
      }
    }
    if (at < 0) break;
    starts.splice(at + 1, 1);
    pairRank.splice(at, 1);
    parts -= 1;
    if (at < parts - 1) pairRank[at] = ranks.get(bytes.slice(starts[at], starts[at + 2])) ?? NONE;
    if (at > 0) pairRank[at - 1] = ranks.get(bytes.slice(starts[at - 1], starts[at + 1])) ?? NONE;
  }
  return parts;
}

const SHIFT = 2 ** 32;

function countByHeap(bytes: string, ranks: ReadonlyMap<string, number>, maxTokenBytes: number): number {
  const n = bytes.length;
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  const alive = new Uint8Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
  }
  const pairRank = (i: number): number => {
    const j = next[i];
    if (j >= n) return -1;
    const end = j + 1 >= n ? n : next[j];
    if (end - i > maxTokenBytes) return -1;
    return ranks.get(bytes.slice(i, end)) ?? -1;
  };
  const heap = new MinHeap(n);
  for (let i = 0; i < n - 1; i++) {
    const r = pairRank(i);
    if (r >= 0) heap.push(r * SHIFT + i);
  }
  let parts = n;
  while (heap.size > 0) {
    const key = heap.pop();
    const rank = Math.floor(key / SHIFT);
    const i = key - rank * SHIFT;
    if (alive[i] === 0 || pairRank(i) !== rank) continue;
    const j = next[i];
    alive[j] = 0;
    next[i] = next[j];
    if (next[i] < n) prev[next[i]] = i;
    parts -= 1;
    const right = pairRank(i);
    if (right >= 0) heap.push(right * SHIFT + i);
    const p = prev[i];
    if (p >= 0) {
      const left = pairRank(p);
      if (left >= 0) heap.push(left * SHIFT + p);
    }
  }
  return parts;
}

/** Binary min-heap of non-negative safe integers. */
class MinHeap {
  private items: Float64Array;
  size = 0;
  constructor(capacity: number) {
    this.items = new Float64Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.size === this.items.length) {
      const grown = new Float64Array(this.items.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    const a = this.items;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent] <= v) break;
      a[i] = a[parent];
      i = parent;
    }
    a[i] = v;
  }
  pop(): number {
    const a = this.items;
    const top = a[0];
    const last = a[--this.size];
    let i = 0;
    const size = this.size;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && a[child + 1] < a[child]) child += 1;
      if (a[child] >= last) break;
      a[i] = a[child];
      i = child;
    }
    a[i] = last;
    return top;
  }
}
