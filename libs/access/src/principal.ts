/**
 * Who is calling. Roles (ARCHITECTURE.md, "Who uses it"):
 *  - admin: everything, including issuing keys;
 *  - contributor: own data (subjectId = contributorId) plus pool-wide totals;
 *  - consumer: own revenue and payout runs (subjectId = consumerId);
 *  - auditor: reads everything, writes nothing.
 */
export type Role = 'admin' | 'contributor' | 'consumer' | 'auditor';
export const ROLES: readonly Role[] = ['admin', 'contributor', 'consumer', 'auditor'];

export interface Principal {
  role: Role;
  /** contributorId / consumerId / auditorId / admin id the key was issued for. */
  subjectId: string;
  /** Public id of the key (never the secret); "env-admin" for ADMIN_API_KEY. */
  keyId: string;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** admin and auditor see everything (auditor read-only). */
export function seesEverything(p: Principal): boolean {
  return p.role === 'admin' || p.role === 'auditor';
}

/** May this caller read data owned by the contributor? */
export function canReadContributor(p: Principal, contributorId: string): boolean {
  return seesEverything(p) || (p.role === 'contributor' && p.subjectId === contributorId);
}

/** May this caller read data owned by the consumer? */
export function canReadConsumer(p: Principal, consumerId: string): boolean {
  return seesEverything(p) || (p.role === 'consumer' && p.subjectId === consumerId);
}

/**
 * Who a change notification (or any piece of read-side data) is for. Empty
 * audience = admin and auditor only.
 */
export interface Audience {
  public?: boolean;
  contributorIds?: readonly string[];
  consumerIds?: readonly string[];
}

export function canSee(p: Principal, audience: Audience): boolean {
  if (seesEverything(p) || audience.public === true) return true;
  if (p.role === 'contributor') return audience.contributorIds?.includes(p.subjectId) ?? false;
  if (p.role === 'consumer') return audience.consumerIds?.includes(p.subjectId) ?? false;
  return false;
}

/** The `actor` written into event metadata for this caller. */
export function actorOf(p: Principal): string {
  return `${p.role}:${p.subjectId}`;
}
