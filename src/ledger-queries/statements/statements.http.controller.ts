import { Controller, Get, Param, Query, Res, StreamableFile, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { assertContributorAccess, type Principal } from '@1tt/access';
import { renderPeriodStatementCsv } from '@1tt/audit';
import { ValidationError } from '@1tt/domain-errors';
import { assertId, parseInstant } from '@1tt/ledger';
import { CurrentPrincipal } from '../../auth/auth.decorators';
import { RevenueVisibilityPolicy } from '../revenue-visibility.policy';
import { PeriodStatementQuery } from './period-statement.query';
import { renderPeriodStatementPdf } from './statement.pdf';
import { PeriodStatementResponse } from './statement.response.dto';
import { PartyNamesInterceptor } from '../../directory/party-names.interceptor';

const FORMATS = ['json', 'csv', 'pdf'] as const;

/**
 * A contributor's statement for a period, assembled by the audit lib's
 * assemblePeriodStatement (the rule `1tt audit statement --from --to`
 * applies offline), so both give the same numbers. It does not read the
 * log: the contributor's money events come from an index (see
 * PeriodStatementQuery), so a request costs the contributor's own history.
 */
@ApiTags('ledger')
@ApiBearerAuth()
@UseInterceptors(PartyNamesInterceptor)
@Controller('v1/contributors')
export class StatementsHttpController {
  constructor(
    private readonly statements: PeriodStatementQuery,
    private readonly visibility: RevenueVisibilityPolicy,
  ) {}

  @Get(':id/statements')
  @ApiOperation({
    summary:
      "A contributor's statement for [from, to) by recorded time: opening balance, each allocation (revenue report, consumer, tokens, ratio), adjustment and settlement, closing, payable and recoverable balance per currency (own only; auditor/admin all). format=json (default), csv (RFC 4180, header row) or pdf.",
  })
  @ApiQuery({ name: 'from', required: false, description: 'ISO-8601 time with zone; default: the start of the log.' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO-8601 time with zone, after from; default: now.' })
  @ApiQuery({ name: 'format', required: false, enum: FORMATS })
  @ApiProduces('application/json', 'text/csv', 'application/pdf')
  @ApiOkResponse({ type: PeriodStatementResponse })
  async statement(
    @Param('id') id: string,
    @CurrentPrincipal() p: Principal,
    @Res({ passthrough: true }) res: Response,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('format') format?: string,
  ): Promise<PeriodStatementResponse | StreamableFile | string> {
    const contributorId = assertId(id, 'id');
    assertContributorAccess(p, contributorId);
    const fmt = format === undefined || format === '' ? 'json' : format;
    if (!(FORMATS as readonly string[]).includes(fmt)) {
      throw new ValidationError('statement-format-unknown', `format must be one of ${FORMATS.join(', ')}`, {
        field: 'format',
        hint: 'E.g. format=csv.',
      });
    }
    const fromAt = from === undefined || from === '' ? undefined : parseInstant(from, 'from');
    const toAt = to === undefined || to === '' ? undefined : parseInstant(to, 'to');
    if (fromAt !== undefined && toAt !== undefined && fromAt >= toAt) {
      throw new ValidationError('statement-period-empty', 'from must be before to', { field: 'to', hint: 'The period is [from, to).' });
    }
    const built = await this.statements.statement(contributorId, { from: fromAt, to: toAt });
    // A contributor sees the revenue amount of a line only where the consumer's agreement has revenueVisibility gross.
    const seesGross = this.visibility.forPrincipal(p);
    const lines = await Promise.all(
      built.lines.map(async (l) => (l.consumerId !== null && !(await seesGross(l.consumerId)) ? { ...l, revenueAmount: null } : l)),
    );
    const statement = { ...built, lines };
    const name = `statement-${contributorId}${fromAt ? `-${fromAt.slice(0, 10)}` : ''}${toAt ? `-${toAt.slice(0, 10)}` : ''}`;
    if (fmt === 'csv') {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8; header=present');
      res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
      return renderPeriodStatementCsv(statement);
    }
    if (fmt === 'pdf') {
      return new StreamableFile(await renderPeriodStatementPdf(statement), {
        type: 'application/pdf',
        disposition: `attachment; filename="${name}.pdf"`,
      });
    }
    return statement as PeriodStatementResponse;
  }
}
