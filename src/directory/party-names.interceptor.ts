import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { from, mergeMap, type Observable } from 'rxjs';
import { seesEverything, type Principal } from '@1tt/access';
import { EventStore } from '@1tt/event-store';
import { ReadModelStore } from '@1tt/read-models';
import { DIRECTORY_PARTIES, partyDirectoryProjection, type PartyDoc, type PartyRole } from './party-directory.projection';
import { PartyDirectory } from './party-directory.service';
import { ERASED_NAME, PersonalNames } from '../personal-data/personal-names';

/** The id fields a response may carry, and the name field written right after each. */
export const NAME_FIELDS: Readonly<Record<string, string>> = {
  contributorId: 'contributorDisplayName',
  consumerId: 'consumerDisplayName',
  auditorId: 'auditorDisplayName',
  subjectId: 'displayName',
};

/** Raw event payloads (hashed, quoted as recorded) and webhook bodies are never rewritten. */
const VERBATIM = new Set(['data', 'metadata', 'payload']);

/** How long a request waits for the directory to catch up with a party registered a moment ago. */
const CATCH_UP_MS = 1000;
const CACHE_MAX = 50_000;

interface KnownParty {
  role: PartyRole;
  displayName: string;
}

/**
 * Display names for the ids in an answer. Registration is the only event that
 * sets a name, so a name once read is cached; erasure (the key destroyed) is
 * checked on every use of a cached contributor name.
 *
 * Who sees which name: admin and auditor see every name; everyone sees the
 * names of consumers (the companies whose revenue is shared) they can see the
 * id of; a contributor's name is personal data, so a contributor sees only
 * their own and a consumer none (the field is null, as for an id the
 * directory does not know).
 */
@Injectable()
export class PartyNames {
  private readonly cache = new Map<string, KnownParty>();

  constructor(
    private readonly store: ReadModelStore,
    private readonly events: EventStore,
    private readonly directory: PartyDirectory,
    private readonly personal: PersonalNames,
  ) {}

  async lookup(ids: Iterable<string>): Promise<Map<string, KnownParty>> {
    const out = new Map<string, KnownParty>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const hit = this.cache.get(id);
      // A cached contributor name goes the moment their key is destroyed (by this process or another).
      if (hit && hit.role === 'contributor' && hit.displayName !== ERASED_NAME && this.personal.isErased(id)) {
        hit.displayName = ERASED_NAME;
      }
      if (hit) out.set(id, hit);
      else missing.push(id);
    }
    if (missing.length === 0) return out;
    let unknown = await this.read(missing, out);
    if (unknown.length > 0) {
      // A party registered just before this request may not be in the directory yet.
      const head = await this.events.headPosition();
      if ((await this.store.getCheckpoint(partyDirectoryProjection.name)) < head) {
        await this.directory.runner.waitFor(head, CATCH_UP_MS).catch(() => false);
        unknown = await this.read(unknown, out);
      }
    }
    return out;
  }

  private async read(ids: string[], out: Map<string, KnownParty>): Promise<string[]> {
    const unknown: string[] = [];
    for (const id of ids) {
      const v = await this.store.get<PartyDoc>(DIRECTORY_PARTIES, id);
      if (!v) {
        unknown.push(id);
        continue;
      }
      const displayName = this.directory.nameOf(v.doc);
      if (displayName === undefined) {
        unknown.push(id);
        continue;
      }
      const party = { role: v.doc.role, displayName };
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      this.cache.set(id, party);
      out.set(id, party);
    }
    return unknown;
  }

  /** The body with a name field right after every id field the caller may see the name of (null otherwise). */
  async annotate<T>(principal: Principal | undefined, body: T): Promise<T> {
    const ids = new Set<string>();
    collectIds(body, ids);
    if (ids.size === 0) return body;
    const known = await this.lookup(ids);
    const nameFor = (id: string): string | null => {
      const party = known.get(id);
      if (!party) return null;
      if (!principal || seesEverything(principal) || principal.subjectId === id) return party.displayName;
      return party.role === 'contributor' ? null : party.displayName;
    };
    return withNames(body, nameFor) as T;
  }
}

function isPlain(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function collectIds(v: unknown, into: Set<string>): void {
  if (Array.isArray(v)) {
    for (const x of v) collectIds(x, into);
    return;
  }
  if (!isPlain(v)) return;
  for (const [k, x] of Object.entries(v)) {
    if (VERBATIM.has(k)) continue;
    if (k in NAME_FIELDS && typeof x === 'string') into.add(x);
    else collectIds(x, into);
  }
}

function withNames(v: unknown, nameFor: (id: string) => string | null): unknown {
  if (Array.isArray(v)) return v.map((x) => withNames(x, nameFor));
  if (!isPlain(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k in NAME_FIELDS && (typeof x === 'string' || x === null)) {
      out[k] = x;
      out[NAME_FIELDS[k]] = x === null ? null : nameFor(x);
    } else if (!(Object.values(NAME_FIELDS).includes(k) && k in out)) {
      out[k] = VERBATIM.has(k) ? x : withNames(x, nameFor);
    }
  }
  return out;
}

/**
 * Puts display names beside the party ids of a controller's JSON answers
 * (`contributorDisplayName` after `contributorId`, `consumerDisplayName`
 * after `consumerId`, `displayName` after `subjectId`). Files and streams
 * pass through untouched.
 */
@Injectable()
export class PartyNamesInterceptor implements NestInterceptor {
  constructor(private readonly names: PartyNames) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<{ principal?: Principal }>();
    return next.handle().pipe(mergeMap((body: unknown) => from(this.names.annotate(req.principal, body))));
  }
}
