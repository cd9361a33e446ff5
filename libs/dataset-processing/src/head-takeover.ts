import type { DatasetEntry } from './dataset-log';

/**
 * The liveness backstop of shared work (DatasetProcessorOptions.takeoverAfterMs):
 * tracks the earliest undecided dataset, the one every judge waits for, and
 * when it last showed life (became the earliest, or someone reported its
 * progress). Held elsewhere and silent for too long, this process analyses
 * it itself; the decision append still lets only one process decide it.
 */
export class HeadTakeover {
  private head?: { datasetId: string; activeAt: number };

  constructor(private readonly afterMs: number | false) {}

  /** A DatasetProgressReported was seen for this dataset. */
  progressSeen(datasetId: unknown): void {
    if (this.head && this.head.datasetId === datasetId) this.head.activeAt = Date.now();
  }

  /** Ms until `first` may be taken over (undefined: nothing to take over, or this process holds it: `busyHere`). */
  inMs(first: DatasetEntry | undefined, busyHere: (datasetId: string) => boolean): number | undefined {
    if (this.afterMs === false || !first) return undefined;
    const id = first.upload.datasetId;
    if (this.head?.datasetId !== id) this.head = { datasetId: id, activeAt: Date.now() };
    if (busyHere(id)) return undefined;
    return this.head.activeAt + this.afterMs - Date.now();
  }

  stalled(first: DatasetEntry, busyHere: (datasetId: string) => boolean): boolean {
    const left = this.inMs(first, busyHere);
    return left !== undefined && left <= 0;
  }

  /** How long the earliest undecided dataset has shown no life. */
  silentForMs(): number {
    return this.head ? Date.now() - this.head.activeAt : 0;
  }

  /** This process takes it over: that counts as life. */
  takenOver(): void {
    if (this.head) this.head.activeAt = Date.now();
  }
}
