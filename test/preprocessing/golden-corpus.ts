/**
 * The fixed documents and pipelines behind process-document-golden: six
 * license texts shipped in fixtures/, edited copies of them made here
 * deterministically (line endings, word edits, PII, decomposed Unicode and
 * control characters, upper case, repeated paragraphs, ellipses), and
 * hand-written documents aimed at each rule. Four pipelines: the default one,
 * and three that let more documents reach later rules (cleaning + C4 with
 * other MinHash settings and cl100k_base, the duplicated n-gram rules alone in
 * reverse order, the top n-gram and quality rules with other thresholds).
 */
import { createHash } from 'node:crypto';
import { ENGLISH_PROSE_PIPELINE_V1, type DocumentResult, type PipelineConfig } from '@1tt/preprocessing';
import licenseFixture from './fixtures/license-texts.json';

export const GOLDEN_PIPELINES: ReadonlyArray<{ label: string; config: PipelineConfig }> = [
  { label: 'default', config: ENGLISH_PROSE_PIPELINE_V1 },
  {
    label: 'clean+c4',
    config: {
      name: 'golden-clean-c4',
      version: '1',
      blocks: [
        { block: 'nfc-normalise', options: { form: 'NFKC' } },
        { block: 'remove-unprintable', options: { remove_format_chars: true } },
        { block: 'normalise-whitespace' },
        { block: 'mask-pii' },
        { block: 'length-filter', options: { min_words: 20, max_words: 5000, min_chars: 100 } },
        { block: 'c4-quality', options: { min_num_sentences: 1 } },
      ],
      dedup: { exact: true, near: { shingle: 3, numPerm: 64, bands: 16, rows: 4, threshold: 0.7, seed: 7 } },
      tokenizer: { encoding: 'cl100k_base' },
    },
  },
  {
    label: 'dup-ngrams',
    config: {
      name: 'golden-dup-ngrams',
      version: '1',
      blocks: [
        { block: 'normalise-whitespace', options: { unwrap_lines: true } },
        {
          block: 'gopher-repetition',
          options: {
            dup_line_frac: null,
            dup_para_frac: null,
            dup_line_char_frac: null,
            dup_para_char_frac: null,
            top_n_grams: [],
            dup_n_grams: [
              [10, 0.1],
              [9, 0.11],
              [8, 0.12],
              [7, 0.13],
              [6, 0.14],
              [5, 0.15],
            ],
          },
        },
      ],
      dedup: { exact: true, near: false },
      tokenizer: { encoding: 'o200k_base' },
    },
  },
  {
    label: 'top-ngrams',
    config: {
      name: 'golden-top-ngrams',
      version: '1',
      blocks: [
        {
          block: 'gopher-repetition',
          options: {
            dup_line_frac: null,
            dup_para_frac: null,
            dup_line_char_frac: 0.1,
            dup_para_char_frac: null,
            top_n_grams: [
              [4, 0.1],
              [3, 0.12],
              [2, 0.15],
            ],
            dup_n_grams: [],
          },
        },
        { block: 'gopher-quality', options: { min_stop_words: 4, max_non_alpha_words_ratio: 0.5 } },
      ],
      dedup: { exact: false, near: false },
      tokenizer: { encoding: 'o200k_base' },
    },
  },
];

/** Deterministic pseudo-random numbers in [0, 1) (an LCG; the corpus must never change). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
}

function variants(t: string, k: number, rnd: () => number): string[] {
  const lines = t.split('\n');
  const pii = [
    `Contact me at john.doe${k}@example.com or +1 (555) 123-4567.`,
    `Server 192.168.${k % 256}.10 is down; card 4111 1111 1111 1111 was used.`,
    'Call 020 7946 0958 or 2024-01-15, ip 999.1.1.1 and 10.0.0.1.',
  ];
  return [
    t,
    t.replace(/\n/g, '\r\n'),
    t.replace(/\bthe\b/g, (m, off: number) => (off % 53 === k % 53 ? 'teh' : m)).replace('software', 'soft ware'),
    lines.map((l, i) => (i % 7 === 3 ? `${l} ${pii[i % 3]}` : l)).join('\n'),
    `${t.normalize('NFD').replace(/ {2}/g, '\t').replace(/\n\n/g, '\n\u000b\n\ufeff')}\u0001\ud800 \u{1F600} `,
    `${lines.slice(0, Math.max(1, Math.floor(lines.length * rnd()))).join('\n')}\n\n${lines.join('\n')}`,
    t.toUpperCase(),
    t.replace(/\n\s*\n/g, '\n\n\n\n').replace(/\./g, (m, off: number) => (off % 11 === 0 ? '...' : m)),
  ];
}

const PROSE =
  'The committee met on Tuesday to review the budget. Members agreed that the library needs new shelves and that the reading room should stay open later. ' +
  'A proposal to move the archive was postponed until spring, because the building survey is not finished. Everyone thanked the volunteers for their work with the children. ' +
  'The next meeting will be held in the town hall, and the minutes will be posted on the notice board. Questions can be sent to the secretary before the end of the month.';

/** Hand-written documents aimed at single rules (and their near misses). */
const SYNTHETIC: readonly string[] = [
  '',
  '   \n\t ',
  'a'.repeat(1001),
  `${PROSE} ${'x'.repeat(999)}`,
  'word '.repeat(2000),
  'The cat sat on the mat. '.repeat(300),
  'lorem ipsum dolor sit amet. '.repeat(30),
  '{ "a": 1 }\n'.repeat(100),
  PROSE,
  `${PROSE}\n\n${PROSE}\n\n${PROSE}`,
  `${PROSE}\nEnable JavaScript to see this page.\nRead our privacy policy.\nSee [1] and [edit] and [citation needed] here, which is fine.\nshort line.`,
  `${PROSE}\nThis line has lorem ipsum in it.`,
  `${PROSE}\nA line with { a brace }.`,
  `${PROSE}\n${'- item one\n- item two\n• item three\n'.repeat(20)}`,
  `${PROSE}\n${'and then it went on...\n'.repeat(40)}`,
  `${PROSE} ${'#hash '.repeat(60)}`,
  `${PROSE} ${'wait… '.repeat(40)}`,
  `${PROSE} ${'12 34 56 ;; '.repeat(200)}`,
  'Cafe\u0301 na\u0308ive re\u0301sume\u0301 \ufb01le \u2460 full\uff37idth. '.repeat(20) + PROSE,
  `${PROSE}\u200b\u200d\u2060\u00ad${PROSE}`,
  `Mail a.b@example.org, c_d+e@sub.example.co.uk; phone +44 20 7946 0958, (555) 123-4567, 555.123.4567; ip 8.8.8.8, 256.1.1.1, 1.2.3.4.5; card 4539 1488 0343 6467 and 4539 1488 0343 6468; date 2024-01-15. ${PROSE}`,
  `${PROSE}\r\n\r\n\r\n\r\n${PROSE}\u2028${PROSE}\u2029\u0085${PROSE}`,
  `1. first point of the list\n2) second point\na. third point\n* fourth\n${PROSE}`,
  'U.S. e-mail don\u2019t 3.14 ... . . . U . S e - mail '.repeat(40) + PROSE,
  `${'the of and to be that have with '.repeat(30)}`,
  `${PROSE}\n\n${'Same line here.\n'.repeat(30)}`,
  `${'\u{1D400}\u{1D401}\u{1D402} \u{1F600}\u{1F601} \u{10400}word '.repeat(50)}${PROSE}`,
  `.TH LS 1\n.SH NAME\nls \\- list directory contents\n.SH SYNOPSIS\n.B ls\n[\\fIOPTION\\fR]... [\\fIFILE\\fR]...\n.SH DESCRIPTION\n.PP\nList information about the FILEs.\n${'.TP\n\\fB\\-a\\fR, \\fB\\-\\-all\\fR\ndo not ignore entries starting with .\n'.repeat(10)}`,
  `${PROSE.split(' ').join('\n')}`,
  `${PROSE.toLowerCase()}\n\n${PROSE.toUpperCase()}\n\n${PROSE.replace(/[.,]/g, '')}`,
];

/** Every golden document, in a fixed order. */
export function goldenDocuments(): string[] {
  const rnd = lcg(12345);
  const docs: string[] = [];
  Object.values(licenseFixture.texts as Record<string, string>).forEach((t, k) => docs.push(...variants(t, k, rnd)));
  docs.push(...SYNTHETIC);
  return docs;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** The recorded form of one result: every field, long ones as sha256. */
export function goldenRecord(r: DocumentResult): Record<string, unknown> {
  if (!r.kept) return { kept: false, reason: r.reason, detail: r.detail ?? null, block: r.block ?? null };
  return {
    kept: true,
    exactHash: r.exactHash,
    signature: r.signature ? sha256(JSON.stringify(Array.from(r.signature))) : null,
    tokens: r.tokens,
    chars: r.chars,
    cleanedText: sha256(r.cleanedText),
  };
}
