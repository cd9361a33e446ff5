import { Global, Module } from '@nestjs/common';
import { DirectoryHttpController } from './directory.http.controller';
import { PartyDirectory } from './party-directory.service';
import { PartyNames, PartyNamesInterceptor } from './party-names.interceptor';

/**
 * The party directory read model and its routes (stores come from the global
 * modules). Global: every feature's controllers put names beside ids with
 * PartyNamesInterceptor.
 */
@Global()
@Module({
  controllers: [DirectoryHttpController],
  providers: [PartyDirectory, PartyNames, PartyNamesInterceptor],
  exports: [PartyDirectory, PartyNames, PartyNamesInterceptor],
})
export class DirectoryModule {}
