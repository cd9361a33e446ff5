import { Body, Controller, UseInterceptors, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import busboy from 'busboy';
import type { Request, Response } from 'express';
import type { Principal } from '@1tt/access';
import { PayloadTooLargeError, ValidationError } from '@1tt/domain-errors';
import { assertId } from '@1tt/ledger';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { PartyNamesInterceptor } from '../directory/party-names.interceptor';
import { PayoutBatchesService } from './payout-batches.service';
import { CreatePayoutBatchRequest, PayoutBatchResponse, ReconciliationResponse } from './payout-batches.request.dto';
import { LocationOf } from '../http/created-location';

/** A bank statement of one batch is small; 5 MiB holds tens of thousands of lines. */
const MAX_STATEMENT_BYTES = 5 * 1024 * 1024;
const FORMATS = ['csv', 'pain.001'] as const;

@ApiTags('payouts')
@ApiBearerAuth()
@UseInterceptors(PartyNamesInterceptor)
@Controller('v1/payout-batches')
export class PayoutBatchesHttpController {
  constructor(private readonly batches: PayoutBatchesService) {}

  @Post()
  @LocationOf('/v1/payout-batches/{batchId}')
  @Roles('admin')
  @ApiOperation({
    operationId: 'createPayoutBatch',
    summary:
      'Batch every contributor with payout details whose unreserved payable balance in the currency is ≥ minAmount (admin). Each line reserves that amount: it is in no other batch and cannot be settled by hand until the batch is reconciled.',
  })
  @ApiCreatedResponse({ type: PayoutBatchResponse })
  @ApiConflictResponse({ description: 'payout-batch-empty: nothing to batch.' })
  async create(@Body() body: CreatePayoutBatchRequest, @CurrentPrincipal() by: Principal): Promise<PayoutBatchResponse> {
    return this.batches.create({ currency: body.currency, minAmount: body.minAmount }, by);
  }

  @Get()
  @Roles('admin', 'auditor')
  @ApiOperation({
    operationId: 'listPayoutBatches',
    summary: 'Every payout batch, newest first, with its lines and their reconciliation status.',
  })
  @ApiOkResponse({ type: [PayoutBatchResponse] })
  async list(): Promise<PayoutBatchResponse[]> {
    return this.batches.list();
  }

  @Get(':batchId')
  @Roles('admin', 'auditor')
  @ApiOperation({ operationId: 'getPayoutBatch', summary: 'One payout batch with its lines and their reconciliation status.' })
  @ApiOkResponse({ type: PayoutBatchResponse })
  @ApiNotFoundResponse({ description: 'payout-batch-not-found' })
  async get(@Param('batchId') batchId: string): Promise<PayoutBatchResponse> {
    return this.batches.get(assertId(batchId, 'batchId'));
  }

  @Get(':batchId/export')
  @Roles('admin')
  @ApiOperation({
    operationId: 'exportPayoutBatch',
    summary:
      "The batch's reserved lines as a payment file (admin): format=csv (payee, account, amount, end-to-end id) or pain.001 (ISO 20022 pain.001.001.09 SEPA credit transfer, EUR batches paid to IBANs; the debtor from PAYOUT_DEBTOR_NAME/IBAN/BIC). Contains the payees' full bank details.",
  })
  @ApiQuery({ name: 'format', required: false, enum: FORMATS })
  @ApiProduces('text/csv', 'application/xml')
  @ApiOkResponse({ description: 'The file.' })
  @ApiConflictResponse({
    description: 'payment-file-unsupported: pain.001 for a non-EUR batch, an e-mail payee, or no debtor account configured.',
  })
  async export(
    @Param('batchId') batchId: string,
    @Res({ passthrough: true }) res: Response,
    @Query('format') format?: string,
  ): Promise<string> {
    const fmt = format === undefined || format === '' ? 'csv' : format;
    if (!(FORMATS as readonly string[]).includes(fmt)) {
      throw new ValidationError('payment-file-format-unknown', `format must be one of ${FORMATS.join(', ')}`, {
        field: 'format',
        hint: 'E.g. format=pain.001.',
      });
    }
    const file = await this.batches.exportFile(assertId(batchId, 'batchId'), fmt as (typeof FORMATS)[number]);
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${file.fileName}"`);
    res.setHeader('Cache-Control', 'no-store');
    return file.body;
  }

  @Post(':batchId/reconciliation')
  @Roles('admin')
  @ApiOperation({
    operationId: 'reconcilePayoutBatch',
    summary:
      "Reconcile the batch with the bank's statement (admin): multipart field `statement`, or the file as the body (text/csv or application/xml). CSV header endToEndId,amount,currency,status[,reference]; or camt.053. Matched lines settle (PayoutSettled with the bank reference); failed and missing lines are released (payable again); amount or currency mismatches are held (still reserved). The outcome is listed per line.",
  })
  @ApiConsumes('multipart/form-data', 'text/csv', 'application/xml')
  @ApiBody({ schema: { type: 'object', properties: { statement: { type: 'string', format: 'binary' } } } })
  @ApiOkResponse({ type: ReconciliationResponse })
  @ApiConflictResponse({ description: 'payout-batch-reconciled: nothing left to reconcile.' })
  async reconcile(
    @Param('batchId') batchId: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @CurrentPrincipal() by: Principal,
  ): Promise<ReconciliationResponse> {
    const id = assertId(batchId, 'batchId');
    const body = await readStatement(req);
    res.status(200);
    return this.batches.reconcile(id, body, by);
  }
}

function tooLarge(): PayloadTooLargeError {
  return new PayloadTooLargeError('body-too-large', `The statement is larger than ${MAX_STATEMENT_BYTES} bytes`, {
    hint: 'Split the statement per batch.',
  });
}

/** The statement bytes: the multipart part `statement`, or the raw body. Bounded. */
function readStatement(req: Request): Promise<Buffer> {
  const type = String(req.headers['content-type'] ?? '');
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const take = (chunk: Buffer): boolean => {
      size += chunk.length;
      if (size > MAX_STATEMENT_BYTES) return false;
      chunks.push(chunk);
      return true;
    };
    const missing = () =>
      new ValidationError('statement-malformed', 'No statement was sent', {
        field: 'statement',
        hint: 'Send the file as multipart field "statement", or as the body with Content-Type text/csv or application/xml.',
      });
    if (type.startsWith('multipart/form-data')) {
      let bb: busboy.Busboy;
      try {
        bb = busboy({ headers: req.headers, limits: { files: 1, fileSize: MAX_STATEMENT_BYTES + 1, fields: 5, parts: 8 } });
      } catch {
        return reject(missing());
      }
      let found = false;
      let failed = false;
      bb.on('file', (name, stream) => {
        if (name !== 'statement') return stream.resume();
        found = true;
        stream.on('data', (c: Buffer) => {
          if (!failed && !take(c)) {
            failed = true;
            reject(tooLarge());
          }
        });
      });
      bb.on('close', () => (failed ? undefined : found && size > 0 ? resolve(Buffer.concat(chunks)) : reject(missing())));
      bb.on('error', () => reject(missing()));
      req.pipe(bb);
      return;
    }
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (!failed && !take(c)) {
        failed = true;
        reject(tooLarge());
        req.resume();
      }
    });
    req.on('end', () => (failed ? undefined : size > 0 ? resolve(Buffer.concat(chunks)) : reject(missing())));
    req.on('error', reject);
  });
}
