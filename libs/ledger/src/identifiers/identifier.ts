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

/**
 * Characters that change how the text around them is shown without being
 * seen: bidi embeddings, overrides and isolates, direction marks (a name
 * could read as another name, or reverse the line it is shown in), and
 * zero-width spaces and joiners (two names that look identical). Zero-width
 * (non-)joiners are allowed only where scripts need them: between two
 * letters or marks (Persian, Indic) and, for the joiner, inside an emoji
 * sequence.
 */
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
const INVISIBLE = /[\u180E\u200B\u2060-\u2064\uFEFF]/u;
const JOINER_IN_PLACE =
  /(?<=[\p{L}\p{M}])\u200C(?=[\p{L}\p{M}])|(?<=[\p{L}\p{M}\p{Extended_Pictographic}\uFE0F])\u200D(?=[\p{L}\p{M}\p{Extended_Pictographic}])/gu;

/** What makes a name render differently from what it is, or undefined. */
export function invisibleFormattingIn(text: string): string | undefined {
  const bidi = BIDI_CONTROL.exec(text);
  if (bidi) return `a bidirectional control character (U+${bidi[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`;
  const rest = text.replace(JOINER_IN_PLACE, '');
  const hidden = INVISIBLE.exec(rest) ?? /[\u200C\u200D]/u.exec(rest);
  if (hidden) return `a zero-width character (U+${hidden[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`;
  return undefined;
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
  const invisible = invisibleFormattingIn(name);
  if (invisible) {
    throw new ValidationError('display-name-invisible-formatting', `${field} contains ${invisible}, which changes how the name is shown`, {
      field,
      hint: 'Remove direction overrides, direction marks and zero-width characters; write the name as it should read.',
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
