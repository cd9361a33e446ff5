/**
 * The transaction object every adapter hands to `transact`'s callback: it
 * buffers writes in memory and reads through them, so the callback may be
 * async without holding a database transaction open across awaits; the
 * adapter then commits the buffered plan in one go.
 */
import { ValidationError } from '@1tt/domain-errors';
import { checkCollection, checkId, checkWritePosition, serialiseDocument } from './read-model-input';
import { DocumentChange, ReadModelDocument, ReadModelTransaction } from './read-model-store.port';

export interface PlannedVersion {
  position: number;
  /** Serialised document, or undefined for a removal. */
  json?: string;
}

/** The writes to one document, in strictly increasing position order. */
export interface DocumentPlan {
  collection: string;
  id: string;
  versions: PlannedVersion[];
}

export interface WritePlan {
  documents: DocumentPlan[];
  checkpoint: number;
  changes: DocumentChange[];
}

export type BaseReader = (collection: string, id: string, atPosition: number) => Promise<string | undefined>;

const key = (collection: string, id: string) => `${collection}\u0000${id}`;

export class BufferedReadModelTransaction implements ReadModelTransaction {
  private readonly docs = new Map<string, DocumentPlan>();
  private checkpoint: number;
  private closed = false;

  constructor(
    readonly projection: string,
    readonly basePosition: number,
    private readonly readBase: BaseReader,
  ) {
    this.checkpoint = basePosition;
  }

  async get<T extends ReadModelDocument = ReadModelDocument>(collection: string, id: string): Promise<T | undefined> {
    this.ensureOpen();
    checkCollection(collection);
    checkId(id);
    const plan = this.docs.get(key(collection, id));
    const json = plan ? plan.versions[plan.versions.length - 1].json : await this.readBase(collection, id, this.basePosition);
    return json === undefined ? undefined : (JSON.parse(json) as T);
  }

  put(collection: string, id: string, doc: ReadModelDocument, position: number): void {
    this.write(collection, id, position, serialiseDocument(doc));
  }

  remove(collection: string, id: string, position: number): void {
    this.write(collection, id, position, undefined);
  }

  setCheckpoint(position: number): void {
    this.ensureOpen();
    if (!Number.isSafeInteger(position) || position < this.basePosition) {
      throw new ValidationError('checkpoint-backwards', `Checkpoint ${String(position)} is before the current one (${this.basePosition})`, {
        field: 'position',
        hint: 'A checkpoint only moves forward; use reset() to rebuild from 0.',
      });
    }
    this.checkpoint = Math.max(this.checkpoint, position);
  }

  /** Ends the transaction; its plan is what the adapter commits. */
  seal(): WritePlan {
    this.closed = true;
    const documents = [...this.docs.values()];
    const changes: DocumentChange[] = [];
    for (const d of documents) {
      for (const v of d.versions) changes.push({ collection: d.collection, id: d.id, position: v.position, removed: v.json === undefined });
    }
    changes.sort((a, b) => a.position - b.position);
    return { documents, checkpoint: this.checkpoint, changes };
  }

  private write(collection: string, id: string, position: number, json: string | undefined): void {
    this.ensureOpen();
    checkCollection(collection);
    checkId(id);
    checkWritePosition(position);
    if (position <= this.basePosition) {
      throw new ValidationError(
        'position-not-after-checkpoint',
        `Write at position ${position} is not after the checkpoint ${this.basePosition} of ${this.projection}`,
        {
          field: 'position',
          hint: 'Positions up to the checkpoint are already applied; a read model only grows forward (reset() to rebuild).',
        },
      );
    }
    const k = key(collection, id);
    let plan = this.docs.get(k);
    if (!plan) {
      plan = { collection, id, versions: [] };
      this.docs.set(k, plan);
    }
    const last = plan.versions[plan.versions.length - 1];
    if (last && position < last.position) {
      throw new ValidationError('position-out-of-order', `Write to ${collection}/${id} at ${position} after a write at ${last.position}`, {
        field: 'position',
        hint: 'Apply events in log order.',
      });
    }
    // Several writes for one event collapse into the last one: versions are per position.
    if (last && position === last.position) last.json = json;
    else plan.versions.push({ position, json });
    this.checkpoint = Math.max(this.checkpoint, position);
  }

  private ensureOpen(): void {
    if (this.closed) throw new Error('This read-model transaction has ended; do not keep tx beyond the transact() callback');
  }
}
