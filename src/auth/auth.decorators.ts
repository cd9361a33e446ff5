import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Principal, Role } from '@1tt/access';

export const IS_PUBLIC = 'auth:public';
export const ROLES = 'auth:roles';

/** No key needed (health, docs). Everything else requires a valid key. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** Only these roles may call the route (403 otherwise). Without it, any valid key may. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES, roles);

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

/** Handler parameter: the caller {role, subjectId, keyId}. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('@CurrentPrincipal() used on a @Public() route');
  return principal;
});
