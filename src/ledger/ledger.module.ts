import { ContributorConsentHttpController } from './consent/contributor-consent.http.controller';
import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AgreementHttpController } from './agreement/agreement.http.controller';
import { SetAgreementHandler } from './agreement/set-agreement.handler';
import { Clock, IdGenerator, SystemClock, UuidGenerator } from './clock';
import { CorrectRevenueHandler } from './corrections/correct-revenue.handler';
import { CorrectionsHttpController } from './corrections/corrections.http.controller';
import { PAYOUT_PROCESSOR_OPTIONS, PayoutProcessor, type PayoutProcessorOptions } from './payout/payout-processor';
import { PartiesHttpController } from './registration/parties.http.controller';
import { ContributorErasureHttpController } from './erasure/contributor-erasure.http.controller';
import { ContributorErasureService } from './erasure/contributor-erasure.service';
import { RegisterPartyHandler } from './registration/register-party.handler';
import { ReportRevenueHandler } from './revenue/report-revenue.handler';
import { RevenueHttpController } from './revenue/revenue.http.controller';
import { SettlePayoutHandler } from './settlement/settle-payout.handler';
import { SettlementsHttpController } from './settlement/settlements.http.controller';
import { PayoutBatchesHttpController } from '../payouts/payout-batches.http.controller';
import { PayoutBatchesService } from '../payouts/payout-batches.service';
import { PayoutDetailsHttpController } from '../payouts/payout-details.http.controller';
import { PayoutDetailsService } from '../payouts/payout-details.service';
import { LedgerQueriesModule } from '../ledger-queries/ledger-queries.module';
import { DataRequestCommands } from './data-requests/data-request-commands.service';
import { DataRequestsHttpController } from './data-requests/data-requests.http.controller';

export interface LedgerModuleOptions {
  clock?: Clock;
  ids?: IdGenerator;
  processor?: PayoutProcessorOptions;
}

/**
 * The ledger's write side: command handlers on the CommandBus (thin: read →
 * fold → decide → append), their routes, and the payout processor. Stores,
 * config and ApiKeyService come from the global shell modules.
 */
@Module({})
export class LedgerModule {
  static register(options: LedgerModuleOptions = {}): DynamicModule {
    return {
      module: LedgerModule,
      imports: [CqrsModule.forRoot(), LedgerQueriesModule],
      controllers: [
        PartiesHttpController,
        AgreementHttpController,
        RevenueHttpController,
        CorrectionsHttpController,
        SettlementsHttpController,
        PayoutDetailsHttpController,
        PayoutBatchesHttpController,
        ContributorConsentHttpController,
        DataRequestsHttpController,
        ContributorErasureHttpController,
      ],
      providers: [
        { provide: Clock, useValue: options.clock ?? new SystemClock() },
        { provide: IdGenerator, useValue: options.ids ?? new UuidGenerator() },
        { provide: PAYOUT_PROCESSOR_OPTIONS, useValue: options.processor ?? {} },
        PayoutProcessor,
        RegisterPartyHandler,
        SetAgreementHandler,
        ReportRevenueHandler,
        SettlePayoutHandler,
        CorrectRevenueHandler,
        PayoutDetailsService,
        PayoutBatchesService,
        DataRequestCommands,
        ContributorErasureService,
      ],
      exports: [PayoutProcessor, PayoutDetailsService, PayoutBatchesService],
    };
  }
}
