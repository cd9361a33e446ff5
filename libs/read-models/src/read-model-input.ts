/**
 * Validation of what callers pass to a ReadModelStore, shared by every
 * adapter so that they refuse the same things with the same errors.
 */
import { ValidationError } from '@1tt/domain-errors';
import { FindOptions, OPEN_VERSION, ReadModelDocument } from './read-model-store.port';

/** Also a safe MongoDB collection-name suffix and part of an SQLite index name. */
const COLLECTION_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
/** Field names are spliced into SQL JSON paths and index names, so they are strictly checked. */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
export const MAX_ID_LENGTH = 1024;
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export function checkCollection(collection: string): string {
  if (typeof collection !== 'string' || !COLLECTION_NAME.test(collection)) {
    throw new ValidationError('invalid_collection_name', `Invalid read-model collection name ${JSON.stringify(collection)}`, {
      field: 'collection',
      hint: 'Use a letter followed by up to 62 letters, digits or underscores.',
    });
  }
  return collection;
}

/** Whether a top-level key can be named in `where`/`orderBy`. */
export function isFieldName(field: string): boolean {
  return typeof field === 'string' && FIELD_NAME.test(field) && field !== 'id';
}

export function checkField(field: string, what = 'field'): string {
  if (!isFieldName(field)) {
    throw new ValidationError('invalid_field_name', `Invalid read-model field name ${JSON.stringify(field)}`, {
      field: what,
      hint: 'Use a top-level field name: a letter or underscore, then letters, digits or underscores (not "id").',
    });
  }
  return field;
}

export function checkId(id: string): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
    throw new ValidationError('invalid_document_id', 'A read-model document id is a non-empty string of at most 1024 characters', {
      field: 'id',
    });
  }
  return id;
}

/** Write positions are log positions: integers >= 1. */
export function checkWritePosition(position: number): number {
  if (!Number.isSafeInteger(position) || position < 1 || position >= OPEN_VERSION) {
    throw new ValidationError('invalid_position', `Invalid write position ${String(position)}`, {
      field: 'position',
      hint: 'Pass the global log position (an integer >= 1) of the event being applied.',
    });
  }
  return position;
}

/** Read positions: 0 (before the first event) and up; undefined = latest. */
export function readPosition(atPosition: number | undefined): number {
  if (atPosition === undefined) return OPEN_VERSION - 1;
  if (!Number.isSafeInteger(atPosition) || atPosition < 0) {
    throw new ValidationError('invalid_position', `Invalid read position ${String(atPosition)}`, {
      field: 'atPosition',
      hint: 'Pass a log position: an integer >= 0.',
    });
  }
  return Math.min(atPosition, OPEN_VERSION - 1);
}

/** Serialises a document once, at write time, so later mutation by the caller changes nothing. */
export function serialiseDocument(doc: ReadModelDocument): string {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ValidationError('invalid_document', 'A read-model document is a JSON object', { field: 'doc' });
  }
  try {
    return JSON.stringify(doc);
  } catch (e) {
    throw new ValidationError('invalid_document', `A read-model document must be JSON-serialisable: ${(e as Error).message}`, {
      field: 'doc',
      hint: 'Store big integers and money as strings.',
    });
  }
}

export interface FindQuery {
  where: Array<[string, OrderKey]>;
  orderBy: string | undefined;
  descending: boolean;
  limit: number;
  position: number;
  latest: boolean;
  /** Where the previous page ended: its last item's order key (ordering by a field) and id. */
  after?: { key: OrderKey; id: string };
}

/**
 * How every adapter compares a top-level field for `where` and `orderBy`,
 * so that SQLite and MongoDB agree: first by the JSON type's rank, then by
 * the value within it.
 *
 * | rank | JSON type | value compared |
 * |---|---|---|
 * | 0 | missing or null | (all equal) |
 * | 1 | number | numerically |
 * | 2 | string | by UTF-8 bytes |
 * | 3 | boolean | false < true |
 * | 4 | array or object | by its JSON text |
 *
 * `where` matches a value of the same rank and value only: `true` never
 * matches `1`, `"1"` never matches `1`, and an array never matches one of
 * its elements (null matches missing and null).
 */
export type OrderRank = 0 | 1 | 2 | 3 | 4;
export interface OrderKey {
  rank: OrderRank;
  value: string | number | boolean | null;
}

export function orderKey(v: unknown): OrderKey {
  if (v === undefined || v === null) return { rank: 0, value: null };
  if (typeof v === 'number') return { rank: 1, value: v };
  if (typeof v === 'string') return { rank: 2, value: v };
  if (typeof v === 'boolean') return { rank: 3, value: v };
  return { rank: 4, value: JSON.stringify(v) };
}

const RANK_TYPE: Record<OrderRank, string> = { 0: 'object', 1: 'number', 2: 'string', 3: 'boolean', 4: 'string' };

export function findQuery(options: FindOptions = {}): FindQuery {
  const where = Object.entries(options.where ?? {}).map(([f, v]): [string, OrderKey] => {
    checkField(f, `where.${f}`);
    if (v !== null && !['string', 'number', 'boolean'].includes(typeof v)) {
      throw new ValidationError('invalid_where_value', `where.${f} must be a string, number, boolean or null`, { field: `where.${f}` });
    }
    return [f, orderKey(v)];
  });
  const orderBy = options.orderBy === undefined || options.orderBy === 'id' ? undefined : checkField(options.orderBy, 'orderBy');
  if (options.direction !== undefined && options.direction !== 'asc' && options.direction !== 'desc') {
    throw new ValidationError('invalid_direction', 'direction is "asc" or "desc"', { field: 'direction' });
  }
  const limit = options.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new ValidationError('invalid_limit', `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`, { field: 'limit' });
  }
  return {
    where,
    orderBy,
    descending: options.direction === 'desc',
    limit,
    position: readPosition(options.atPosition),
    latest: options.atPosition === undefined,
    after: options.after === undefined ? undefined : decodeCursor(options.after, orderBy !== undefined),
  };
}

/** Opaque keyset cursor: the last item's id and, ordering by a field, its order key. */
export function encodeCursor(key: OrderKey | undefined, id: string): string {
  return Buffer.from(JSON.stringify(key === undefined ? [id] : [id, key.rank, key.value]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, ordered: boolean): { key: OrderKey; id: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && typeof parsed[0] === 'string') {
      const id = parsed[0];
      if (!ordered && parsed.length === 1) return { id, key: { rank: 0, value: null } };
      const [, rank, value] = parsed as [string, unknown, unknown];
      if (ordered && parsed.length === 3 && (rank === 0 || rank === 1 || rank === 2 || rank === 3 || rank === 4)) {
        if (rank === 0 ? value === null : typeof value === RANK_TYPE[rank]) return { id, key: { rank, value: value as OrderKey['value'] } };
      }
      // A cursor of the earlier format: [id, scalar value].
      if (ordered && parsed.length === 2 && (rank === null || ['string', 'number', 'boolean'].includes(typeof rank))) {
        return { id, key: orderKey(rank) };
      }
    }
  } catch {
    // fall through to the typed error
  }
  throw new ValidationError('invalid_cursor', 'The cursor is malformed or belongs to another ordering', {
    field: 'after',
    hint: 'Pass nextCursor from the previous page unchanged, with the same orderBy.',
  });
}

/** The order key a cursor records for an item (undefined when ordering by id). */
export function orderValue(doc: ReadModelDocument, orderBy: string | undefined): OrderKey | undefined {
  return orderBy === undefined ? undefined : orderKey(doc[orderBy]);
}
