import { multilingualQualityBlock, prosePart, STOP_WORDS } from '@1tt/preprocessing';
import { type BlockOutcome } from '../block';

const q = (text: string, language: string, o = {}): string | undefined => {
  const out: BlockOutcome = multilingualQualityBlock.apply({ text, language }, multilingualQualityBlock.resolveOptions(o, 'options'), {
    blockIndex: 0,
  });
  return 'removed' in out ? out.reason : undefined;
};

const GERMAN =
  'Die Bibliothek der Stadt wird im nächsten Jahr erweitert. Der Rat hat beschlossen, dass die alten Räume renoviert werden und ein neuer Lesesaal entsteht. ' +
  'Für die Kinder gibt es eine eigene Ecke mit Büchern und Spielen. Die Kosten werden von der Stadt und von einer Stiftung getragen, die seit vielen Jahren die Kultur in der Region unterstützt. ' +
  'Die Arbeiten beginnen im Frühjahr und sollen bis zum Herbst abgeschlossen sein.';
const JAPANESE =
  '図書館は来年拡張される予定です。市議会は古い部屋を改装し、新しい閲覧室を作ることを決めました。子供たちのために本と遊びのコーナーも用意されます。費用は市と財団が負担し、工事は春に始まって秋に終わる予定です。';

describe('multilingual-quality block (Gopher rules the FineWeb-2 way)', () => {
  it('keeps German prose with German stop words (the English list would remove it)', () => {
    expect(q(GERMAN, 'de')).toBeUndefined();
    expect(STOP_WORDS.de).toContain('und');
  });

  it('min_stop_words: German text judged as Swedish has none of the Swedish stop words', () => {
    expect(q(GERMAN.replace(/\b(der|die|das|und|in|den|von|mit|ist|nicht|für|ein|eine|zu|werden|wird|auf|es|sie)\b/gi, 'xy'), 'de')).toBe(
      'quality:min_stop_words',
    );
  });

  it('counts Japanese by characters (no spaces): kept; 49 characters are too few', () => {
    expect(q(JAPANESE, 'ja')).toBeUndefined();
    expect(q(JAPANESE.slice(0, 40), 'ja')).toBe('quality:min_doc_words');
  });

  it('min_doc_words 50 (Gopher) for spaced languages', () => {
    expect(q(GERMAN.split(' ').slice(0, 30).join(' '), 'de')).toBe('quality:min_doc_words');
  });

  it('min_alpha_words_ratio 0.75: a table of numbers is removed', () => {
    const numbers = Array.from({ length: 80 }, (_, i) => (i % 4 === 0 ? 'und' : String(i * 13))).join(' ');
    expect(q(numbers, 'de')).toBe('quality:min_alpha_words_ratio');
  });

  it('prose_part leaves code fences, options, URLs and headings out of the measures', () => {
    const md = `# Title\n\n\`\`\`\n${'x = 1; y = 2;\n'.repeat(40)}\`\`\`\n\n-v, --verbose\n\nSee https://example.org/a/b.\n\n${GERMAN}`;
    expect(prosePart(md)).not.toContain('x = 1');
    expect(prosePart(md)).not.toContain('--verbose');
    expect(prosePart(md)).not.toContain('https://');
    expect(q(md, 'de', { prose_part: true })).toBeUndefined();
    expect(q(md, 'de')).toBe('quality:min_alpha_words_ratio');
  });
});
