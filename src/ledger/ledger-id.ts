import { ValidationError } from '@1tt/domain-errors';

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Path ids become stream names: only the id alphabet the service issues. */
export function checkedId(value: string, field: string): string {
  if (!ID.test(value)) throw new ValidationError('id-malformed', `${field} must be 1-64 letters, digits, '.', '_' or '-'`, { field, hint: 'Use the id the service issued.' });
  return value;
}
