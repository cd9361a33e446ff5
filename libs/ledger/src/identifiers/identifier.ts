import { ValidationError } from '@1tt/domain-errors';

/** Ids are short, URL- and stream-name-safe, which also bounds event sizes. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const MAX_DISPLAY_NAME_LENGTH = 200;

// Control characters (C0 and DEL) would corrupt logs, CSV exports and terminals.
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

export function assertId(value: unknown, field: string): string {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    throw new ValidationError('id-malformed', `${field} must be 1-64 letters, digits, '.', '_' or '-'`, {
      field,
      hint: 'Use the id the service issued (a uuid).',
    });
  }
  return value;
}

/** Trims and checks a human-readable name. */
export function displayNameOf(value: unknown, field = 'displayName'): string {
  const name = typeof value === 'string' ? value.trim() : '';
  if (name.length === 0 || name.length > MAX_DISPLAY_NAME_LENGTH || hasControl(name)) {
    throw new ValidationError('display-name-invalid', `${field} must be 1-${MAX_DISPLAY_NAME_LENGTH} printable characters`, {
      field,
      hint: 'Send a non-empty name without control characters.',
    });
  }
  return name;
}

/** A free-text field that must be present, printable and bounded. */
export function boundedText(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > max || hasControl(value)) {
    throw new ValidationError('text-invalid', `${field} must be 1-${max} printable characters`, {
      field,
      hint: `Send a non-empty ${field}.`,
    });
  }
  return value;
}
