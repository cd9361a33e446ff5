import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { bearerToken, type Role } from '@1tt/access';
import { ForbiddenError } from '@1tt/domain-errors';
import { ApiKeyService } from './api-key.service';
import { AuthenticationFailed } from './authentication-failed.error';
import { FailedAuthenticationLimiter } from './failed-authentication.limiter';
import { IS_PUBLIC, ROLES, type AuthenticatedRequest } from './auth.decorators';

/**
 * Global guard (registered before the rate limiter): every route needs a
 * valid key unless @Public(); @Roles(...) narrows who may call it. Keys are
 * never logged, and the failure message does not say whether a key id exists.
 * Failures are counted per client address and key id (FailedAuthenticationLimiter).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyService,
    private readonly failures: FailedAuthenticationLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = req.headers.authorization;
    if (header === undefined) {
      this.failures.failed(req.ip, undefined);
      throw new AuthenticationFailed('missing-api-key', 'This route needs an API key');
    }
    const token = bearerToken(header);
    const principal = token === undefined ? undefined : await this.keys.authenticate(token);
    if (!principal) {
      // Past AUTH_FAILURES_PER_MINUTE for the address or key id: 429 instead of 401 (a valid key never gets here).
      this.failures.failed(req.ip, token);
      throw new AuthenticationFailed('invalid-api-key', 'The API key is malformed, unknown or revoked');
    }
    req.principal = principal;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(principal.role)) {
      throw new ForbiddenError('role-not-allowed', `The ${principal.role} role may not call this route`, {
        hint: `Use a key with one of these roles: ${roles.join(', ')}.`,
      });
    }
    return true;
  }
}
