import { sha256Hex } from '@1tt/canonical-json';

/**
 * The rolling hash over the whole log that signed checkpoints sign:
 *
 *   logHash(0) = 64 × "0"
 *   logHash(n) = sha256Hex(logHash(n−1) + "\n" + position(n) + "\n" + hash(n))
 *
 * where n runs over the events in position order and hash(n) is the event's
 * own (per-stream chained) hash. Unlike one event's hash, it changes when
 * ANY event up to the checkpoint is edited, dropped, inserted, reordered or
 * renumbered, even if the attacker recomputed every per-stream chain, and it
 * binds the global order, which per-stream chains do not.
 */
export const LOG_HASH_GENESIS = '0'.repeat(64);

export function nextLogHash(previous: string, position: number, eventHash: string): string {
  return sha256Hex(`${previous}\n${position}\n${eventHash}`);
}

/** Keeps the log hash as of each of the last `window` positions, so a checkpoint recorded a little after the position it signs can be checked. */
export class LogHashWindow {
  private readonly positions: number[];
  private readonly hashes: string[];
  private next = 0;
  private count = 0;
  current = LOG_HASH_GENESIS;
  position = 0;

  constructor(private readonly window = 16384) {
    this.positions = new Array<number>(window);
    this.hashes = new Array<string>(window);
  }

  add(position: number, eventHash: string): string {
    this.current = nextLogHash(this.current, position, eventHash);
    this.position = position;
    this.positions[this.next] = position;
    this.hashes[this.next] = this.current;
    this.next = (this.next + 1) % this.window;
    if (this.count < this.window) this.count += 1;
    return this.current;
  }

  /** The log hash right after `position`, or undefined when it is out of the window (or was never seen). */
  at(position: number): string | undefined {
    if (position === 0) return LOG_HASH_GENESIS;
    for (let k = 1; k <= this.count; k++) {
      const i = (this.next - k + this.window) % this.window;
      if (this.positions[i] === position) return this.hashes[i];
      if (this.positions[i] < position) return undefined;
    }
    return undefined;
  }
}
