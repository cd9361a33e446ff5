import { ValidationError } from '@1tt/domain-errors';
import { SPDX_DEPRECATED_LICENSE_IDS, SPDX_LICENSE_IDS } from './spdx-license-ids.generated';

/** The platform's own contributor grant: what an upload is licensed under when it names no licence. */
export const PLATFORM_GRANT_LICENCE = 'LicenseRef-1tt-contributor-grant-1';

let byLowerCase: Map<string, string> | undefined;

function canonicalIds(): Map<string, string> {
  if (!byLowerCase) {
    byLowerCase = new Map();
    for (const id of [...SPDX_LICENSE_IDS, ...SPDX_DEPRECATED_LICENSE_IDS, PLATFORM_GRANT_LICENCE]) byLowerCase.set(id.toLowerCase(), id);
  }
  return byLowerCase;
}

/**
 * A licence named by an uploader or a consumer's scope: one SPDX licence
 * identifier (the list of the npm package spdx-license-ids, see
 * spdx-license-ids.generated.ts), matched case-insensitively as SPDX says and
 * recorded in its canonical spelling, or the platform's own grant
 * (PLATFORM_GRANT_LICENCE). Licence expressions (`MIT OR Apache-2.0`) are not
 * accepted: eligibility compares one identifier.
 */
export function licenceOf(value: unknown, field = 'licence'): string {
  const id = typeof value === 'string' && value.length <= 100 ? canonicalIds().get(value.trim().toLowerCase()) : undefined;
  if (id === undefined) {
    throw new ValidationError('licence-unknown', `${field} must be an SPDX licence identifier or ${PLATFORM_GRANT_LICENCE}`, {
      field,
      hint: `E.g. CC-BY-4.0, MIT, CC0-1.0, or ${PLATFORM_GRANT_LICENCE} (the platform's own grant). One identifier, not an expression.`,
    });
  }
  return id;
}
