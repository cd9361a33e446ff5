import { ERROR_CATALOGUE, RENAMED_ERROR_CODES, type ErrorCatalogueEntry } from './error-catalogue';

/**
 * docs/ERROR-CODES.md, rendered from the catalogue. `npm run docs:errors`
 * writes it (this lib does no I/O); the catalogue test fails when the file differs.
 */
export function renderErrorCodesMarkdown(): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  const lines = [
    '# Error codes',
    '',
    '<!-- Generated from libs/domain-errors/src/error-catalogue.ts by `npm run docs:errors`; do not edit. -->',
    '',
    'Every refusal is `application/problem+json` with a stable `code` (and `type` = `urn:1tt:problem:<code>`).',
    'Clients switch on `code`. This is the whole list; the OpenAPI document at `/docs-json` carries it too',
    '(the `x-error-codes` extension and the enum of the problem schema). A code is never renamed again.',
    '',
    '| code | status | title | meaning |',
    '|---|---|---|---|',
  ];
  for (const [code, e] of Object.entries(ERROR_CATALOGUE) as Array<[string, ErrorCatalogueEntry]>) {
    lines.push(`| \`${code}\` | ${e.status}${e.statusVaries ? ' (or another 4xx)' : ''} | ${cell(e.title)} | ${cell(e.meaning)} |`);
  }
  lines.push(
    '',
    '## Codes changed once (December 2026)',
    '',
    'Codes used to come in three spellings (kebab, snake and dotted). They were all made kebab-case once,',
    'here; a code already in kebab-case kept its name. Old code → new code:',
    '',
    '| old | new |',
    '|---|---|',
  );
  for (const [old, now] of Object.entries(RENAMED_ERROR_CODES)) lines.push(`| \`${old}\` | \`${now}\` |`);
  lines.push(
    '',
    'Rejection reasons (`DatasetRejected.reason`, `rejectionReason` of a dataset, the `reason` of a skipped record)',
    'are data recorded in events, not error codes, and keep their spelling (`unsupported_format`, ...). When such a',
    'reason refuses a request at once, the error code is the reason in kebab-case (`unsupported-format`).',
    '',
  );
  return lines.join('\n');
}
