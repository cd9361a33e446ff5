import { canonicalJson, sha256Hex } from '@1tt/canonical-json';

/**
 * The manifest root of @1tt/preprocessing (manifestRoot) computed leaf by
 * leaf with O(log n) memory, for datasets too large to hold their kept list.
 * Keeps the perfect subtrees built so far (RFC 6962 "stack" form); folding
 * them right to left at the end gives the same root as manifestRoot's
 * level-by-level pairing with odd nodes carried up (both are RFC 6962's
 * MTH). Proven equal in test/datasets.
 */
export class ManifestRootAccumulator {
  private readonly stack: Array<{ size: number; hash: Buffer }> = [];

  add(leaf: { index: number; exactHash: string; tokens: number }): void {
    let node = { size: 1, hash: digest(Buffer.concat([Buffer.from([0]), Buffer.from(canonicalJson(leaf), 'utf8')])) };
    while (this.stack.length > 0 && this.stack[this.stack.length - 1].size === node.size) {
      const left = this.stack.pop()!;
      node = { size: left.size * 2, hash: digest(Buffer.concat([Buffer.from([1]), left.hash, node.hash])) };
    }
    this.stack.push(node);
  }

  root(): string {
    if (this.stack.length === 0) return sha256Hex('');
    let acc = this.stack[this.stack.length - 1].hash;
    for (let i = this.stack.length - 2; i >= 0; i--) acc = digest(Buffer.concat([Buffer.from([1]), this.stack[i].hash, acc]));
    return acc.toString('hex');
  }
}

function digest(b: Buffer): Buffer {
  return Buffer.from(sha256Hex(b), 'hex');
}
