/**
 * Scope checks for handlers: throw the typed errors the HTTP layer maps to
 * 403 / 404. Use the `hideExistence` form where even knowing that the id
 * exists is private (another contributor's dataset, another consumer's
 * revenue report): the caller then gets the same 404 as for a missing id.
 */
import { type ErrorCode, ForbiddenError, NotFoundError } from '@1tt/domain-errors';
import { canReadConsumer, canReadContributor, type Principal, type Role } from './principal';

export interface ScopeOptions {
  /**
   * Answer 404 with this code instead of 403, so the id's existence is not
   * revealed: give the code the caller answers for a missing id.
   */
  hideExistence?: ErrorCode;
  /** Name of the resource for the message, e.g. "contributor". */
  resource?: string;
}

export function assertContributorAccess(p: Principal, contributorId: string, options: ScopeOptions = {}): void {
  if (!canReadContributor(p, contributorId)) refuse(options, options.resource ?? 'contributor', contributorId);
}

export function assertConsumerAccess(p: Principal, consumerId: string, options: ScopeOptions = {}): void {
  if (!canReadConsumer(p, consumerId)) refuse(options, options.resource ?? 'consumer', consumerId);
}

export function assertRole(p: Principal, roles: readonly Role[]): void {
  if (!roles.includes(p.role)) {
    throw new ForbiddenError('role-not-allowed', `The ${p.role} role may not do this`, {
      hint: `Use a key with one of these roles: ${roles.join(', ')}.`,
    });
  }
}

function refuse(options: ScopeOptions, resource: string, id: string): never {
  if (options.hideExistence) throw new NotFoundError(options.hideExistence, `No ${resource} ${id}`);
  throw new ForbiddenError('outside-scope', `This key may not read ${resource} ${id}`, {
    hint: 'Keys of contributors and consumers reach only their own data.',
  });
}
