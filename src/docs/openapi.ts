import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** OpenAPI at /docs (UI) and /docs-json (document), generated from the controllers and DTOs. */
export function setupOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('1TT Ledger API')
    .setDescription(
      'The system of record for the 1 Trillion Token revenue share. Every route except /health and /docs needs ' +
        '"Authorization: Bearer <api key>". Errors are application/problem+json: {type, title, status, detail, instance, code, errors?: [{field, reason}], hint?}. ' +
        'Requests are rate limited per key (429 with Retry-After).',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: '1tt_<keyId>_<secret>', description: 'An API key issued by an admin.' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', customSiteTitle: '1TT Ledger API' });
  return document;
}
