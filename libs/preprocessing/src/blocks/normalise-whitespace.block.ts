import { type Block } from '../block';
import { resolveBlockOptions } from '../block-options';

export interface NormaliseWhitespaceOptions {
  /**
   * Joins hard-wrapped lines: a single line break between two non-blank lines
   * becomes a space, unless the next line starts a list item. C4's line rules
   * assume one paragraph per line (as in web-extracted text); on hard-wrapped
   * prose (plain-text files, licenses, e-books) they would otherwise drop every
   * line that ends mid-sentence.
   */
  unwrap_lines: boolean;
}

// Runs of horizontal spaces become one " ". A lone " " is already that, so
// only longer runs and lone other spaces are matched (one match per word
// otherwise); they never span a line break, so the whole text is done at once.
const SPACE_RUNS = /[\t\v\f\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000 ]{2,}|[\t\v\f\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g;
const LIST_ITEM = /^(?:[-*•‣◦▪–—]|\d{1,3}[.)]|[a-zA-Z][.)])\s/;

export const normaliseWhitespaceBlock: Block<NormaliseWhitespaceOptions> = {
  name: 'normalise-whitespace',
  version: 1,
  description: 'CRLF/CR and Unicode line separators to LF, runs of spaces to one, no trailing spaces, at most one blank line, trimmed.',
  defaults: { unwrap_lines: false },
  resolveOptions(options, field) {
    return resolveBlockOptions(this.defaults, { unwrap_lines: 'boolean' }, options, field);
  },
  apply(doc, options) {
    let lines = doc.text
      .replace(/\r\n?|[\u2028\u2029\x85]/g, '\n')
      .replace(SPACE_RUNS, ' ')
      .split('\n')
      .map((line) => line.trim());
    if (options.unwrap_lines) {
      const joined: string[] = [];
      for (const line of lines) {
        const prev = joined.length > 0 ? joined[joined.length - 1] : '';
        if (line !== '' && prev !== '' && !LIST_ITEM.test(line)) joined[joined.length - 1] = `${prev} ${line}`;
        else joined.push(line);
      }
      lines = joined;
    }
    const text = lines
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
    return { ...doc, text };
  },
};
