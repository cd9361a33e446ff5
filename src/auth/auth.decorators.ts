import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Principal, Role } from '@1tt/access';

export const IS_PUBLIC = 'auth:public';
export const ROLES = 'auth:roles';

/** OpenAPI marker of a @Public() operation: the document then declares it without security (src/docs/openapi.ts). */
export const PUBLIC_OPERATION = 'x-1tt-public';

/** No key needed (health, docs). Everything else requires a valid key. */
export const Public = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension(PUBLIC_OPERATION, true));

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
