import { Module } from '@nestjs/common';
import { DirectoryHttpController } from './directory.http.controller';
import { PartyDirectory } from './party-directory.service';

/** The party directory read model and its routes (stores come from the global modules). */
@Module({
  controllers: [DirectoryHttpController],
  providers: [PartyDirectory],
  exports: [PartyDirectory],
})
export class DirectoryModule {}
