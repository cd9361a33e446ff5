import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ERROR_CATALOGUE, type ErrorCode } from '@1tt/domain-errors';
import { PUBLIC_OPERATION } from '../auth/auth.decorators';
import { LOCATION_EXTENSION } from '../http/created-location';

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
  const document: OpenAPIObject & { 'x-error-codes'?: Record<ErrorCode, unknown> } = completeOperations(
    SwaggerModule.createDocument(app, config),
  );
  document['x-error-codes'] = ERROR_CATALOGUE;
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', customSiteTitle: '1TT Ledger API' });
  return document;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** Operation ids where the one derived from method and path is not what people would call it. */
const OPERATION_IDS: Record<string, string> = {
  'POST /v1/datasets': 'uploadDataset',
  'DELETE /v1/datasets/{id}': 'withdrawDataset',
  'POST /v1/revenue': 'reportRevenue',
  'POST /v1/contributors': 'registerContributor',
  'POST /v1/consumers': 'registerConsumer',
  'POST /v1/auditors': 'registerAuditor',
  'POST /v1/api-keys': 'issueApiKey',
  'DELETE /v1/api-keys/{keyId}': 'revokeApiKey',
  'POST /v1/contributors/{id}/settlements': 'settlePayout',
  'PUT /v1/consumers/{id}/agreement': 'setAgreement',
  'GET /v1/events': 'streamEvents',
  'GET /v1/audit/verify': 'verifyAuditLog',
  'GET /v1/audit/events': 'listAuditEvents',
  'GET /v1/me': 'getMe',
  'GET /health': 'getHealth',
  'GET /v1/revenue': 'listRevenue',
  'GET /v1/contributors/{id}/metrics': 'getContributorMetrics',
  'POST /v1/revenue/{revenueId}/corrections': 'correctRevenue',
  'POST /v1/webhooks/{webhookId}/deliveries/{deliveryId}/retry': 'retryWebhookDelivery',
};

/**
 * What a client generator needs from every operation, made true in one
 * place rather than on each route: security declared on every operation
 * but the @Public() ones (the bearer key), and an operation id a person
 * would choose (an explicit @ApiOperation({ operationId }), an entry of
 * OPERATION_IDS, or one derived from method and path: GET /v1/pool →
 * getPool, GET /v1/contributors/{id}/metrics → getContributorMetrics,
 * GET /v1/revenue (a list) → listRevenue, POST /v1/x/{id}/y → createXY).
 */
export function completeOperations(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = item[method] as (Record<string, unknown> & { operationId?: string }) | undefined;
      if (!op) continue;
      const route = `${method.toUpperCase()} ${path}`;
      if (op[PUBLIC_OPERATION]) {
        op.security = [];
        delete op[PUBLIC_OPERATION];
      } else {
        op.security = [{ bearer: [] }];
      }
      documentLocation(op);
      if (OPERATION_IDS[route]) op.operationId = OPERATION_IDS[route];
      else if (!op.operationId || op.operationId.includes('_')) op.operationId = derivedOperationId(method, path);
    }
  }
  return document;
}

/** A @LocationOf route: its created (or accepted) response documents the `Location` header. */
function documentLocation(op: Record<string, unknown>): void {
  const template = op[LOCATION_EXTENSION];
  if (typeof template !== 'string') return;
  delete op[LOCATION_EXTENSION];
  const responses = (op.responses ?? {}) as Record<string, { description?: string; headers?: Record<string, unknown> }>;
  const status = responses['201'] ? '201' : responses['202'] ? '202' : '201';
  responses[status] = {
    description: 'Created.',
    ...responses[status],
    headers: {
      ...responses[status]?.headers,
      Location: { description: `Where the created resource is read: ${template}.`, schema: { type: 'string' } },
    },
  };
  op.responses = responses;
}

function derivedOperationId(method: (typeof METHODS)[number], path: string): string {
  const parts = path.split('/').filter((p) => p && p !== 'v1');
  const endsWithParam = parts.at(-1)?.startsWith('{') ?? false;
  const nouns = parts.filter((p) => !p.startsWith('{'));
  const words = nouns.map((noun, i) => {
    const followedByParam = parts[parts.indexOf(noun) + 1]?.startsWith('{');
    // A collection followed by its id names one of it (contributors/{id} → Contributor); the last noun of a list stays plural.
    const singular = followedByParam || (i === nouns.length - 1 && method !== 'get') ? singularOf(noun) : noun;
    return singular
      .split('-')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join('');
  });
  const isList = method === 'get' && !endsWithParam && nouns.at(-1) !== singularOf(nouns.at(-1) ?? '');
  const verb = { get: isList ? 'list' : 'get', put: 'set', post: 'create', delete: 'delete', patch: 'update' }[method];
  return verb + words.join('');
}

function singularOf(noun: string): string {
  if (noun.endsWith('ies')) return noun.slice(0, -3) + 'y';
  if (noun.endsWith('ses')) return noun.slice(0, -2);
  if (noun.endsWith('s') && !noun.endsWith('ss')) return noun.slice(0, -1);
  return noun;
}
