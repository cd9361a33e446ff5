import { ValidationError } from '@1tt/domain-errors';
import { displayNameOf, invisibleFormattingIn } from './identifier';

describe('displayNameOf (issue #20: names that render as something else)', () => {
  it.each([
    ['right-to-left override', 'Ada\u202Egpj.exe'],
    ['left-to-right override', '\u202DAda'],
    ['right-to-left embedding', 'A\u202Bda'],
    ['pop directional formatting', 'Ada\u202C'],
    ['right-to-left isolate', 'Ada \u2067x\u2069'],
    ['right-to-left mark', 'Ada\u200F'],
    ['Arabic letter mark', 'Ada\u061C'],
    ['zero-width space', 'A\u200Bda'],
    ['word joiner', 'Ad\u2060a'],
    ['byte order mark inside', 'Ad\uFEFFa'],
    ['zero-width joiner between letter and space', 'Ada\u200D Lovelace'],
    ['zero-width non-joiner at the end', 'Ada\u200C'],
  ])('refuses a %s with display-name-invisible-formatting naming the code point', (_name, value) => {
    let error: unknown;
    try {
      displayNameOf(value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'display-name-invisible-formatting', field: 'displayName' });
    expect((error as Error).message).toMatch(/U\+[0-9A-F]{4}/);
  });

  it.each([
    ['plain Latin', 'Ada Lovelace'],
    ['Arabic', 'أدا لوفليس'],
    ['Hebrew', 'עדה לאבלייס'],
    ['Persian with a zero-width non-joiner between letters', 'می\u200Cخواهم'],
    ['Devanagari with a zero-width joiner between letters', 'क्\u200Dष'],
    ['an emoji ZWJ sequence', 'Ada \u{1F469}\u200D\u{1F4BB}'],
    ['combining accents', 'Zoe\u0301'],
  ])('accepts %s', (_name, value) => {
    expect(invisibleFormattingIn(value)).toBeUndefined();
    expect(displayNameOf(value)).toBe(value);
  });
});
