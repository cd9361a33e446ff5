/**
 * The permutation that sorts `keys` in plain UTF-16 code-unit order (what
 * `keys.slice().sort()` gives), for distinct keys: `keys[order[0]]` is the
 * smallest. Multikey (three-way radix) quicksort on charCodeAt: it looks at
 * each character about once instead of comparing whole strings ~20 times,
 * and yields indices so parallel arrays need no lookup by key afterwards.
 * At a million uuids it takes roughly half the time of the built-in sort.
 * The pivot only affects speed: the order of distinct keys is unique.
 */
export function codeUnitOrder(keys: readonly string[]): Int32Array {
  const n = keys.length;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const charAt = (i: number, depth: number): number => {
    const s = keys[idx[i]];
    return depth < s.length ? s.charCodeAt(depth) : -1; // a key that ended sorts before its extensions
  };
  // [lo, hi) ranges that agree on their first `depth` code units.
  const stack: number[] = [0, n, 0];
  while (stack.length > 0) {
    const depth = stack.pop() as number;
    const hi = stack.pop() as number;
    const lo = stack.pop() as number;
    if (hi - lo < 2) continue;
    if (hi - lo <= 16) {
      for (let i = lo + 1; i < hi; i++) {
        const v = idx[i];
        const key = keys[v];
        let j = i - 1;
        while (j >= lo && keys[idx[j]] > key) {
          idx[j + 1] = idx[j];
          j--;
        }
        idx[j + 1] = v;
      }
      continue;
    }
    const pivot = medianOfThree(charAt(lo, depth), charAt(lo + ((hi - lo) >> 1), depth), charAt(hi - 1, depth));
    let lt = lo;
    let gt = hi - 1;
    let i = lo;
    while (i <= gt) {
      const c = charAt(i, depth);
      if (c < pivot) {
        swap(idx, lt++, i++);
      } else if (c > pivot) {
        swap(idx, gt--, i);
      } else {
        i++;
      }
    }
    stack.push(lo, lt, depth, gt + 1, hi, depth);
    if (pivot >= 0) stack.push(lt, gt + 1, depth + 1);
  }
  return idx;
}

function medianOfThree(a: number, b: number, c: number): number {
  if (a < b) return b < c ? b : a < c ? c : a;
  return a < c ? a : b < c ? c : b;
}

function swap(a: Int32Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
