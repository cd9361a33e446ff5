import * as fs from 'node:fs';
import * as path from 'node:path';
import { Module } from '@nestjs/common';
import type { AppConfig } from '@1tt/config';
import { APP_CONFIG } from '../config/app-config.token';
import { WebhookDeliveryStore } from './webhook-delivery.store';
import { WebhookDispatcher } from './webhook-dispatcher.service';
import { WebhookSecretCipher } from './webhook-secret.cipher';
import { WebhooksHttpController } from './webhooks.http.controller';
import { WebhooksService } from './webhooks.service';

/**
 * Outbound webhooks: routes under /v1/webhooks, registrations as events,
 * delivery state in DATA_DIR/webhooks.db, the dispatcher (unless
 * WEBHOOK_DELIVERY=false). See webhook-dispatcher.service.ts.
 */
@Module({
  controllers: [WebhooksHttpController],
  providers: [
    {
      provide: WebhookDeliveryStore,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        fs.mkdirSync(config.dataDir, { recursive: true });
        return new WebhookDeliveryStore(path.join(config.dataDir, 'webhooks.db'));
      },
    },
    {
      provide: WebhookSecretCipher,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new WebhookSecretCipher(config.webhooks.secretKeyFile),
    },
    WebhookDispatcher,
    WebhooksService,
  ],
  exports: [WebhookDispatcher, WebhooksService],
})
export class WebhooksModule {}
