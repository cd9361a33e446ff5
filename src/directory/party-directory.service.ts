import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { NotFoundError, ValidationError } from '@1tt/domain-errors';
import { EventStore } from '@1tt/event-store';
import { ProjectionRunner, ReadModelStore } from '@1tt/read-models';
import { ProjectionRegistry } from '../stores/projection-registry';
import { answerPosition, parseCursor, parseLimit, requestedPosition, type PointInTimeQuery } from '../http/point-in-time.params';
import { DIRECTORY_PARTIES, foldName, partyDirectoryProjection, type PartyDoc, type PartyRole } from './party-directory.projection';
import { ERASED_NAME, PersonalNames } from '../personal-data/personal-names';

const CATCH_UP_MS = 2000;
/** Documents read per store page while searching by name. */
const SCAN_PAGE = 500;

export interface DirectoryQuery extends PointInTimeQuery {
  q?: string;
  cursor?: string;
  limit?: string;
}

export interface DirectoryEntry {
  id: string;
  /** "erased" once the contributor's personal data is erased. */
  displayName: string;
  registeredAt: string;
  erased?: boolean;
}

export interface DirectoryPage {
  position: number;
  items: DirectoryEntry[];
  nextCursor: string | null;
}

/** Where a name search stopped: the store page it was reading and how many matches of it were already served. */
interface SearchCursor {
  after?: string;
  skip: number;
}

/**
 * The party directory read model: runs its projection in this process and
 * answers directory pages (ordered by name, searchable by a part of the
 * name) and display names for ids, as of any position.
 */
@Injectable()
export class PartyDirectory implements OnApplicationBootstrap, OnModuleDestroy {
  readonly runner: ProjectionRunner;

  constructor(
    private readonly store: ReadModelStore,
    private readonly events: EventStore,
    projections: ProjectionRegistry,
    private readonly personal: PersonalNames,
  ) {
    this.runner = projections.runner(store, events, partyDirectoryProjection);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner.stop();
  }

  async positionFor(query: PointInTimeQuery): Promise<number> {
    const requested = await requestedPosition(this.events, query);
    const head = await this.events.headPosition();
    await this.runner.waitFor(head, CATCH_UP_MS).catch(() => false);
    return answerPosition(requested, await this.store.getCheckpoint(partyDirectoryProjection.name));
  }

  async list(role: PartyRole, query: DirectoryQuery): Promise<DirectoryPage> {
    const limit = parseLimit(query.limit);
    const position = await this.positionFor(query);
    const q = query.q === undefined || query.q === '' ? undefined : searchTerm(query.q);
    const base = { where: { role }, orderBy: 'sortKey', atPosition: position } as const;
    if (!q) {
      const page = await this.store.find<PartyDoc>(DIRECTORY_PARTIES, { ...base, after: parseCursor(query.cursor), limit });
      return { position, items: page.items.map(({ doc }) => this.entryOf(doc)), nextCursor: page.nextCursor ?? null };
    }
    // A search reads the role's pages in name order and keeps the matches; the cursor remembers the page and how far into it.
    let cursor = parseSearchCursor(parseCursor(query.cursor));
    const items: DirectoryEntry[] = [];
    for (;;) {
      const page = await this.store.find<PartyDoc>(DIRECTORY_PARTIES, { ...base, after: cursor.after, limit: SCAN_PAGE });
      // Sealed names are opened to be searched (they are stored only as ciphertext).
      const matches = page.items
        .map(({ doc }) => this.entryOf(doc))
        .filter((e) => foldName(e.displayName).includes(q))
        .slice(cursor.skip);
      const taken = matches.slice(0, limit - items.length);
      items.push(...taken);
      if (taken.length < matches.length) {
        return { position, items, nextCursor: searchCursor({ after: cursor.after, skip: cursor.skip + taken.length }) };
      }
      if (!page.nextCursor) return { position, items, nextCursor: null };
      cursor = { after: page.nextCursor, skip: 0 };
      if (items.length === limit) return { position, items, nextCursor: searchCursor(cursor) };
    }
  }

  /** One party of a role as of a position; 404 (<role>-not-found) when the directory does not know it. */
  async get(role: PartyRole, id: string, query: PointInTimeQuery): Promise<DirectoryEntry & { role: PartyRole; position: number }> {
    const position = await this.positionFor(query);
    const v = await this.store.get<PartyDoc>(DIRECTORY_PARTIES, id, { atPosition: position });
    if (!v || v.doc.role !== role) {
      throw new NotFoundError(NOT_FOUND[role], `No ${role} ${id}${query.asOf || query.atPosition ? ' at that moment' : ''}`, {
        field: 'id',
        hint: `List them with GET /v1/${role}s.`,
      });
    }
    return { position, role, ...this.entryOf(v.doc) };
  }

  /** Display names of these ids as of a position (ids the directory does not know are left out). */
  async namesOf(ids: Iterable<string>, atPosition?: number): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const id of new Set(ids)) {
      const v = await this.store.get<PartyDoc>(DIRECTORY_PARTIES, id, atPosition === undefined ? {} : { atPosition });
      const name = v ? this.nameOf(v.doc) : undefined;
      if (name !== undefined) names.set(id, name);
    }
    return names;
  }

  /** The name to show for a directory entry: clear, opened from its seal, or "erased". */
  nameOf(doc: PartyDoc): string | undefined {
    if (doc.erased) return ERASED_NAME;
    return this.personal.open(doc.partyId, doc, doc.role);
  }

  private entryOf(doc: PartyDoc): DirectoryEntry {
    return {
      id: doc.partyId,
      displayName: this.nameOf(doc) ?? '',
      registeredAt: doc.registeredAt,
      ...(doc.erased || this.nameOf(doc) === ERASED_NAME ? { erased: true } : {}),
    };
  }
}

function searchTerm(q: string): string {
  if (typeof q !== 'string' || q.length > 200) {
    throw new ValidationError('invalid-search', 'q must be one piece of text of at most 200 characters', {
      field: 'q',
      hint: 'E.g. q=ada finds "Ada Lovelace" (case does not matter).',
    });
  }
  return foldName(q.trim());
}

function searchCursor(c: SearchCursor): string {
  return `s.${Buffer.from(JSON.stringify(c)).toString('base64url')}`;
}

function parseSearchCursor(cursor: string | undefined): SearchCursor {
  if (!cursor) return { skip: 0 };
  try {
    if (!cursor.startsWith('s.')) throw new Error('not a search cursor');
    const c = JSON.parse(Buffer.from(cursor.slice(2), 'base64url').toString('utf8')) as SearchCursor;
    if ((c.after !== undefined && typeof c.after !== 'string') || !Number.isSafeInteger(c.skip) || c.skip < 0) throw new Error('bad shape');
    return c;
  } catch {
    throw new ValidationError('invalid-cursor', 'cursor is not the nextCursor of an earlier page of this search', {
      field: 'cursor',
      hint: 'Pass nextCursor unchanged, with the same q; start again without cursor.',
    });
  }
}

/** Each role's 404 code, spelled out so that the catalogue test sees every code the API can answer with. */
const NOT_FOUND = {
  contributor: 'contributor-not-found',
  consumer: 'consumer-not-found',
  auditor: 'auditor-not-found',
} as const satisfies Record<PartyRole, string>;
