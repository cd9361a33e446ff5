import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ERROR_CATALOGUE, type ErrorCode } from '@1tt/domain-errors';

/** OpenAPI at /docs (UI) and /docs-json (document), generated from the controllers and DTOs. */
export function setupOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('1TT Ledger API')
    .setDescription(
      'The system of record for the 1 Trillion Token revenue share. Every route except /health and /docs needs ' +
        '"Authorization: Bearer <api key>". Errors are application/problem+json: {type, title, status, detail, instance, code, errors?: [{field, reason}], hint?}. ' +
        'Requests are rate limited per key (429 with Retry-After). Every error code, its status and meaning: the x-error-codes extension ' +
        'of this document, and docs/ERROR-CODES.md.',
    )
    .setVersion('1')
    .addGlobalResponse({
      status: 'default',
      description: 'Any error, as RFC 9457 problem details',
      content: {
        'application/problem+json': {
          schema: {
            type: 'object',
            required: ['type', 'title', 'status', 'detail', 'code'],
            properties: {
              type: { type: 'string', example: 'urn:1tt:problem:invalid-request' },
              title: { type: 'string', example: 'Bad Request' },
              status: { type: 'integer', example: 400 },
              detail: { type: 'string' },
              instance: { type: 'string', example: '/v1/revenue' },
              code: {
                type: 'string',
                example: 'invalid-request',
                description: 'Stable machine-readable error code (kebab-case), one of x-error-codes.',
                enum: Object.keys(ERROR_CATALOGUE),
              },
              errors: {
                type: 'array',
                items: { type: 'object', properties: { field: { type: 'string' }, reason: { type: 'string' } } },
              },
              hint: { type: 'string', description: 'How to fix the request.' },
            },
          },
        },
      },
    })
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: '1tt_<keyId>_<secret>', description: 'An API key issued by an admin.' })
    .build();
  const document: OpenAPIObject & { 'x-error-codes'?: Record<ErrorCode, unknown> } = SwaggerModule.createDocument(app, config);
  document['x-error-codes'] = ERROR_CATALOGUE;
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', customSiteTitle: '1TT Ledger API' });
  return document;
}
