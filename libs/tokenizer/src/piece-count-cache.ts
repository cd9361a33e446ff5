/**
 * Bounded memo of token counts per pre-tokenised piece: two generations of
 * Maps. Lookups hit the young one, then the old one (promoting the entry);
 * when the young one is full it becomes the old one and the previous old one
 * is dropped. Memory stays under 2 x capacity entries with none of an LRU's
 * per-hit bookkeeping, and frequent pieces ("the", " of", ", ") survive every
 * turnover because each generation sees them again.
 */
export class PieceCountCache {
  private young = new Map<string, number>();
  private old = new Map<string, number>();

  constructor(private readonly capacity: number) {}

  get(piece: string): number | undefined {
    const hit = this.young.get(piece);
    if (hit !== undefined) return hit;
    const aged = this.old.get(piece);
    if (aged !== undefined) this.set(piece, aged);
    return aged;
  }

  set(piece: string, count: number): void {
    if (this.young.size >= this.capacity) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(piece, count);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }
}
