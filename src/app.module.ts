import { DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import type { AppConfig } from '@1tt/config';
import type { KeyAnnouncer } from './auth/api-key.service';
import { AuthModule } from './auth/auth.module';
import { ChangeFeedModule } from './change-feed/change-feed.module';
import { CheckpointModule } from './checkpoints/checkpoint.module';
import { DatasetsModule } from './datasets/datasets.module';
import { HealthModule } from './health/health.module';
import { LedgerQueriesModule } from './ledger-queries/ledger-queries.module';
import { DirectoryModule } from './directory/directory.module';
import { AuditExportModule } from './audit-export/audit-export.module';
import { LedgerModule } from './ledger/ledger.module';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { CreatedLocationInterceptor } from './http/created-location';
import { PersonalDataModule } from './personal-data/personal-data.module';
import { StoresModule, type StoreOverrides } from './stores/stores.module';
import { WebhooksModule } from './webhooks/webhooks.module';

export interface AppModuleOptions {
  /** Where the generated first admin key is printed. Default: stdout. */
  announce?: KeyAnnouncer;
  /** Already-open stores to use instead of opening the configured ones. */
  stores?: StoreOverrides;
  /** Extra modules (tests mount fixture controllers this way). */
  imports?: ModuleMetadata['imports'];
}

/**
 * The composition root of the API process. Feature modules (ledger routes,
 * read models, uploads) go into featureModules; they get the stores by
 * injecting the ports (EventStore, ReadModelStore, BlobStore), the config
 * with @Inject(APP_CONFIG), ApiKeyService and ChangeFeed, all global.
 */
const featureModules = (config: AppConfig): NonNullable<ModuleMetadata['imports']> => [
  DatasetsModule.register({ processDatasets: config.processDatasets }),
  LedgerModule.register(),
  LedgerQueriesModule,
  DirectoryModule,
  AuditExportModule,
  CheckpointModule,
  WebhooksModule,
];

@Module({})
export class AppModule {
  static register(config: AppConfig, options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        StoresModule.forRoot(config, options.stores),
        AuthModule.forRoot(config, options.announce ?? ((line) => process.stdout.write(`${line}\n`))),
        ChangeFeedModule,
        HealthModule,
        PersonalDataModule,
        ...featureModules(config),
        ...(options.imports ?? []),
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_INTERCEPTOR, useClass: CreatedLocationInterceptor },
      ],
    };
  }
}
