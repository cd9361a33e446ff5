import { Module } from '@nestjs/common';
import { AuditExportHttpController } from './audit-export.http.controller';

/** GET /v1/audit/export: the audit file over HTTP (the event store comes from the global module). */
@Module({ controllers: [AuditExportHttpController] })
export class AuditExportModule {}
