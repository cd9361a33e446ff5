import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { AuthenticatedRequest } from './auth.decorators';

/**
 * Rate limit per API key (the AuthGuard has run and set the principal), by
 * client address on public routes. Counters live in this process: behind a
 * load balancer with N API processes the effective limit is up to N× the
 * configured one (a shared store would fix it; not needed on one box).
 */
@Injectable()
export class KeyThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const r = req as unknown as AuthenticatedRequest;
    return r.principal ? `key:${r.principal.keyId}` : `ip:${r.ip ?? 'unknown'}`;
  }

  /** One budget per key across all routes (the library's default is per key and route). */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }
}
