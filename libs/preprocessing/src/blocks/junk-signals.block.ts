import { type Block, removed } from '../block';
import { resolveBlockOptions } from '../block-options';
import { cjkCharCount, letterWords, percent } from './text-signals';

/**
 * Junk that earns nothing in any class or language (pipeline v2 runs it on
 * every route). Each rule and where its threshold comes from:
 * - near-empty: fewer than `min_chars` (100) non-space characters. Own
 *   threshold: below it there is no sentence, option list or function to pay for.
 * - lorem ipsum: the phrase anywhere (C4, Raffel et al. 2020).
 * - repeated lines and templates: the share of lines (with ≥ 10 letters) that
 *   repeat an earlier line once digits are masked ("Item 12: ..." = "Item 7:
 *   ...") over `max_template_line_frac` (0.5). Gopher's dup_line_frac is 0.3
 *   (Rae et al. 2021 table A1) and still applies to prose through
 *   gopher-repetition; on reference files 0.3 removed Debian copyright files
 *   that repeat licence stanzas, while generated templates repeat > 90 %.
 * - encoded dumps: the share of non-blank lines that are base64 (≥ 40 chars of
 *   [A-Za-z0-9+/=] with no space) or hex dump rows over `max_encoded_line_frac`
 *   (0.3; The Stack v2 / StarCoder remove files with long base64/hex runs).
 * - logs: the share of non-blank lines starting with a timestamp over
 *   `max_log_line_frac` (0.5; own: a log is a machine's output, not writing).
 * - boilerplate: the share of non-blank lines that are cookie banners,
 *   navigation bars, legal footers or sign-up prompts (C4's policy lines and
 *   RefinedWeb's line-level removal, here in en/de/fr/es/it/pt/nl) over
 *   `max_boilerplate_line_frac` (0.4).
 * - keyword spam: the 10 most frequent words cover more than
 *   `max_top10_word_coverage` (0.5) of ≥ 50 words (CJK counted by character;
 *   in natural text the top 10 cover 20-35 %).
 * - gibberish: in alphabetic scripts, the share of words of ≥ 4 letters with
 *   no vowel or a run of ≥ 5 consonants over `max_implausible_word_frac`
 *   (0.25); in Han/Hangul text, distinct character pairs over all pairs above
 *   `max_distinct_cjk_bigram_frac` (0.85: random characters almost never repeat
 *   a pair, natural text repeats particles and common words). Own thresholds,
 *   measured by `npm run bench -- filter-quality`.
 */
export interface JunkSignalsOptions {
  min_chars: number | null;
  filter_lorem_ipsum: boolean;
  max_template_line_frac: number | null;
  max_encoded_line_frac: number | null;
  max_log_line_frac: number | null;
  max_boilerplate_line_frac: number | null;
  max_top10_word_coverage: number | null;
  max_implausible_word_frac: number | null;
  max_distinct_cjk_bigram_frac: number | null;
}

const BASE64_LINE = /^[A-Za-z0-9+/]{40,}={0,2}$/;
const HEX_LINE = /^(?:0x)?[0-9a-fA-F]{4,}[:\s]\s*(?:[0-9a-fA-F]{2}\s+){4,}/;
const LOG_LINE = /^\[?(?:\d{4}-\d\d-\d\d[T ]\d\d:\d\d|\d\d:\d\d:\d\d[.,]\d|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d)/;
const BOILERPLATE_LINE = new RegExp(
  [
    'cookie',
    'all rights reserved',
    'privacy policy',
    'terms of (?:use|service)',
    'newsletter',
    'follow us',
    'skip to (?:main )?content',
    'sign up',
    'log ?in\\b.*register',
    'share this',
    '^home \\|',
    'alle rechte vorbehalten',
    'datenschutz',
    'impressum',
    'folgen sie uns',
    'zum inhalt',
    'anmelden.*registrieren',
    'startseite',
    'tous droits réservés',
    'politique de confidentialité',
    'mentions légales',
    'suivez-nous',
    'accueil \\|',
    'aller au contenu',
    'todos los derechos reservados',
    'política de (?:privacidad|cookies)',
    'aviso legal',
    'síguenos',
    'suscríbete',
    'inicio \\|',
    'tutti i diritti riservati',
    'todos os direitos reservados',
    'alle rechten voorbehouden',
    '(?:\\S+ \\| ){3,}',
  ].join('|'),
  'i',
);
const VOWELS = /[aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿœаеёиоуыэюяіїєαεηιουω]/i;
const CONSONANT_RUN = /[b-df-hj-np-tv-xzßбвгджзйклмнпрстфхцчшщ]{5}/i;
const ALPHA_WORD = /^[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}]{4,}$/u;
const HAN_HANGUL = /[\p{Script=Han}\p{Script=Hangul}]/u;
const TEN_LETTERS = /(?:\P{L}*\p{L}){10}/u;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
// Below U+1100 (Hangul Jamo) no character is Han, Hangul or kana: most words skip the script tests.
const mayBeCjk = (w: string): boolean => w.charCodeAt(0) >= 0x1100;

export const junkSignalsBlock: Block<JunkSignalsOptions> = {
  name: 'junk-signals',
  version: 1,
  description:
    'Removes junk in any class or language: near-empty, lorem ipsum, repeated lines/templates, encoded dumps, logs, boilerplate, keyword spam, gibberish.',
  defaults: {
    min_chars: 100,
    filter_lorem_ipsum: true,
    max_template_line_frac: 0.5,
    max_encoded_line_frac: 0.3,
    max_log_line_frac: 0.5,
    max_boilerplate_line_frac: 0.4,
    max_top10_word_coverage: 0.5,
    max_implausible_word_frac: 0.25,
    max_distinct_cjk_bigram_frac: 0.85,
  },
  resolveOptions(options, field) {
    return resolveBlockOptions(
      this.defaults,
      {
        min_chars: 'count',
        filter_lorem_ipsum: 'boolean',
        max_template_line_frac: 'ratio',
        max_encoded_line_frac: 'ratio',
        max_log_line_frac: 'ratio',
        max_boilerplate_line_frac: 'ratio',
        max_top10_word_coverage: 'ratio',
        max_implausible_word_frac: 'ratio',
        max_distinct_cjk_bigram_frac: 'ratio',
      },
      options,
      field,
    );
  },
  apply(doc, o) {
    const text = doc.text;
    if (o.min_chars !== null) {
      const chars = text.replace(/\s+/g, '').length;
      if (chars < o.min_chars) return removed('junk:near_empty', `only ${chars} characters besides spaces; the minimum is ${o.min_chars}`);
    }
    if (o.filter_lorem_ipsum && /lorem ipsum/i.test(text)) return removed('junk:lorem_ipsum', 'it contains "lorem ipsum" placeholder text');

    const lines = text.split('\n').map((l) => l.trim());
    const nonBlank = lines.filter((l) => l !== '');
    const n = nonBlank.length || 1;
    if (o.max_template_line_frac !== null) {
      const seen = new Set<string>();
      let counted = 0;
      let repeats = 0;
      for (const l of nonBlank) {
        if (!TEN_LETTERS.test(l)) continue;
        counted += 1;
        const key = l.replace(/\d+/g, '0').toLowerCase();
        if (seen.has(key)) repeats += 1;
        else seen.add(key);
      }
      if (counted >= 5 && repeats / counted > o.max_template_line_frac)
        return removed(
          'junk:repeated_lines',
          `${repeats} of ${counted} lines repeat another line (numbers aside); the limit is ${percent(o.max_template_line_frac)}`,
        );
    }
    if (o.max_encoded_line_frac !== null) {
      const enc = nonBlank.filter((l) => BASE64_LINE.test(l) || HEX_LINE.test(l)).length;
      if (enc / n > o.max_encoded_line_frac)
        return removed(
          'junk:encoded_dump',
          `${enc} of ${n} lines are base64 or hex dumps; the limit is ${percent(o.max_encoded_line_frac)}`,
        );
    }
    if (o.max_log_line_frac !== null) {
      const logs = nonBlank.filter((l) => LOG_LINE.test(l)).length;
      if (logs / n > o.max_log_line_frac)
        return removed('junk:log_lines', `${logs} of ${n} lines are timestamped log entries; the limit is ${percent(o.max_log_line_frac)}`);
    }
    if (o.max_boilerplate_line_frac !== null) {
      const bp = nonBlank.filter((l) => l.length < 200 && BOILERPLATE_LINE.test(l)).length;
      if (bp / n > o.max_boilerplate_line_frac)
        return removed(
          'junk:boilerplate',
          `${bp} of ${n} lines are cookie, navigation or legal boilerplate; the limit is ${percent(o.max_boilerplate_line_frac)}`,
        );
    }

    const words = letterWords(text);
    const cjk = cjkCharCount(text);
    if (o.max_top10_word_coverage !== null) {
      // CJK runs are split into characters so an unspaced language has units to count.
      const units: string[] = [];
      for (const w of words) {
        if (mayBeCjk(w) && (HAN_HANGUL.test(w) || KANA.test(w))) {
          if (/\p{Script=Hangul}/u.test(w) && !/\p{Script=Han}/u.test(w)) units.push(w);
          else for (const c of w) units.push(c);
        } else units.push(w.toLowerCase());
      }
      if (units.length >= 50) {
        const counts = new Map<string, number>();
        for (const u of units) counts.set(u, (counts.get(u) ?? 0) + 1);
        const top = [...counts.values()].sort((a, b) => b - a).slice(0, 10);
        const cover = top.reduce((s, c) => s + c, 0) / units.length;
        if (cover > o.max_top10_word_coverage)
          return removed(
            'junk:keyword_spam',
            `the 10 most frequent words make up ${percent(cover)} of the text; the limit is ${percent(o.max_top10_word_coverage)}`,
          );
      }
    }
    if (o.max_implausible_word_frac !== null) {
      let alpha = 0;
      let implausible = 0;
      for (const w of words) {
        if (w.length < 4 || !ALPHA_WORD.test(w)) continue;
        alpha += 1;
        if (!VOWELS.test(w) || CONSONANT_RUN.test(w)) implausible += 1;
      }
      if (alpha >= 20 && implausible / alpha > o.max_implausible_word_frac)
        return removed(
          'junk:gibberish',
          `${implausible} of ${alpha} words have no vowel or five consonants in a row; the limit is ${percent(o.max_implausible_word_frac)}`,
        );
    }
    if (o.max_distinct_cjk_bigram_frac !== null && (cjk >= 100 || /\p{Script=Hangul}{20}/u.test(text))) {
      const chars = [...text].filter((c) => HAN_HANGUL.test(c) || KANA.test(c));
      if (chars.length >= 100) {
        const pairs = new Set<string>();
        for (let i = 1; i < chars.length; i++) pairs.add(chars[i - 1] + chars[i]);
        const frac = pairs.size / (chars.length - 1);
        if (frac > o.max_distinct_cjk_bigram_frac)
          return removed(
            'junk:gibberish',
            `${percent(frac)} of character pairs never repeat (random characters); the limit is ${percent(o.max_distinct_cjk_bigram_frac)}`,
          );
      }
    }
    return doc;
  },
};
