import { Global, Module } from '@nestjs/common';
import type { AppConfig } from '@1tt/config';
import { APP_CONFIG } from '../config/app-config.token';
import { PersonalNames } from './personal-names';
import { SubjectKeyStore } from './subject-key-store';

/**
 * The personal-data key store (one key per contributor under
 * PERSONAL_DATA_KEY_DIR) and the reading of sealed names, for every module:
 * registration seals names, the directory and the statements open them,
 * payouts seal details, erasure destroys the key.
 */
@Global()
@Module({
  providers: [
    { provide: SubjectKeyStore, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new SubjectKeyStore(config.payouts.keyDir) },
    PersonalNames,
  ],
  exports: [SubjectKeyStore, PersonalNames],
})
export class PersonalDataModule {}
