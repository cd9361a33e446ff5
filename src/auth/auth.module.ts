import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import type { AppConfig } from '@1tt/config';
import { ApiKeyService, KEY_ANNOUNCER, type KeyAnnouncer } from './api-key.service';
import { ApiKeysHttpController } from './api-keys.http.controller';
import { AuthGuard } from './auth.guard';
import { FailedAuthenticationLimiter } from './failed-authentication.limiter';
import { KeyThrottlerGuard } from './key-throttler.guard';

const ONE_MINUTE_MS = 60_000;

/**
 * Authentication (global guard), roles, API keys and per-key rate limiting.
 * Global so feature modules can inject ApiKeyService (e.g. POST /v1/contributors
 * issues the new contributor's first key with keys.issue(...)).
 */
@Global()
@Module({})
export class AuthModule {
  static forRoot(config: AppConfig, announce: KeyAnnouncer): DynamicModule {
    return {
      module: AuthModule,
      imports: [
        ThrottlerModule.forRoot({
          throttlers: [{ name: 'default', ttl: ONE_MINUTE_MS, limit: Math.max(1, config.rateLimitPerMinute) }],
          skipIf: () => config.rateLimitPerMinute === 0,
        }),
      ],
      controllers: [ApiKeysHttpController],
      providers: [
        ApiKeyService,
        { provide: KEY_ANNOUNCER, useValue: announce },
        { provide: FailedAuthenticationLimiter, useValue: new FailedAuthenticationLimiter(config.authFailuresPerMinute) },
        // Order matters: authenticate first, so the limiter counts per key.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: KeyThrottlerGuard },
      ],
      exports: [ApiKeyService, FailedAuthenticationLimiter],
    };
  }
}
