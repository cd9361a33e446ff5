/**
 * Validation of what callers pass to a ReadModelStore, shared by every
 * adapter so that they refuse the same things with the same errors.
 */
import { ValidationError } from '@1tt/domain-errors';
import { FieldValue, FindOptions, OPEN_VERSION, ReadModelDocument } from './read-model-store.port';

/** Also a safe MongoDB collection-name suffix and part of an SQLite index name. */
const COLLECTION_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
/** Field names are spliced into SQL JSON paths and index names, so they are strictly checked. */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
export const MAX_ID_LENGTH = 1024;
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export function checkCollection(collection: string): string {
  if (typeof collection !== 'string' || !COLLECTION_NAME.test(collection)) {
    throw new ValidationError('invalid-collection-name', `Invalid read-model collection name ${JSON.stringify(collection)}`, {
      field: 'collection',
      hint: 'Use a letter followed by up to 62 letters, digits or underscores.',
    });
  }
  return collection;
}

export function checkField(field: string, what = 'field'): string {
  if (typeof field !== 'string' || !FIELD_NAME.test(field) || field === 'id') {
    throw new ValidationError('invalid-field-name', `Invalid read-model field name ${JSON.stringify(field)}`, {
      field: what,
      hint: 'Use a top-level field name: a letter or underscore, then letters, digits or underscores (not "id").',
    });
  }
  return field;
}

export function checkId(id: string): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
    throw new ValidationError('invalid-document-id', 'A read-model document id is a non-empty string of at most 1024 characters', {
      field: 'id',
    });
  }
  return id;
}

/** Write positions are log positions: integers >= 1. */
export function checkWritePosition(position: number): number {
  if (!Number.isSafeInteger(position) || position < 1 || position >= OPEN_VERSION) {
    throw new ValidationError('invalid-position', `Invalid write position ${String(position)}`, {
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
    throw new ValidationError('invalid-position', `Invalid read position ${String(atPosition)}`, {
      field: 'atPosition',
      hint: 'Pass a log position: an integer >= 0.',
    });
  }
  return Math.min(atPosition, OPEN_VERSION - 1);
}

/** Serialises a document once, at write time, so later mutation by the caller changes nothing. */
export function serialiseDocument(doc: ReadModelDocument): string {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ValidationError('invalid-document', 'A read-model document is a JSON object', { field: 'doc' });
  }
  try {
    return JSON.stringify(doc);
  } catch (e) {
    throw new ValidationError('invalid-document', `A read-model document must be JSON-serialisable: ${(e as Error).message}`, {
      field: 'doc',
      hint: 'Store big integers and money as strings.',
    });
  }
}

export interface FindQuery {
  where: Array<[string, FieldValue]>;
  orderBy: string | undefined;
  descending: boolean;
  limit: number;
  position: number;
  latest: boolean;
  after?: { value: FieldValue; id: string };
}

export function findQuery(options: FindOptions = {}): FindQuery {
  const where = Object.entries(options.where ?? {}).map(([f, v]): [string, FieldValue] => {
    checkField(f, `where.${f}`);
    if (v !== null && !['string', 'number', 'boolean'].includes(typeof v)) {
      throw new ValidationError('invalid-where-value', `where.${f} must be a string, number, boolean or null`, { field: `where.${f}` });
    }
    return [f, v];
  });
  const orderBy = options.orderBy === undefined || options.orderBy === 'id' ? undefined : checkField(options.orderBy, 'orderBy');
  if (options.direction !== undefined && options.direction !== 'asc' && options.direction !== 'desc') {
    throw new ValidationError('invalid-direction', 'direction is "asc" or "desc"', { field: 'direction' });
  }
  const limit = options.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new ValidationError('invalid-limit', `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`, { field: 'limit' });
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

/** Opaque keyset cursor: the last item's ordering value and id. */
export function encodeCursor(value: FieldValue | undefined, id: string): string {
  return Buffer.from(JSON.stringify(value === undefined ? [id] : [id, value]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, ordered: boolean): { value: FieldValue; id: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && typeof parsed[0] === 'string' && parsed.length === (ordered ? 2 : 1)) {
      const value = ordered ? (parsed[1] as FieldValue) : null;
      if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return { id: parsed[0], value };
    }
  } catch {
    // fall through to the typed error
  }
  throw new ValidationError('invalid-cursor', 'The cursor is malformed or belongs to another ordering', {
    field: 'after',
    hint: 'Pass nextCursor from the previous page unchanged, with the same orderBy.',
  });
}

/** The top-level value a cursor records for an item (undefined when ordering by id). */
export function orderValue(doc: ReadModelDocument, orderBy: string | undefined): FieldValue | undefined {
  if (orderBy === undefined) return undefined;
  const v = doc[orderBy];
  return v === undefined || (typeof v === 'object' && v !== null) ? null : (v as FieldValue);
}
