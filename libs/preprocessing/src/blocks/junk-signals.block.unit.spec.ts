import { junkSignalsBlock } from '@1tt/preprocessing';
import { reasonOf, run } from './block-test-kit';

const j = (text: string, o = {}) => reasonOf(run(junkSignalsBlock, text, o));
const PROSE =
  'The committee met on Tuesday to discuss the budget for the coming year.\n' +
  'Several members argued that the library needs more money for new books, while others wanted to repair the roof first.\n' +
  'After a long debate they agreed to split the money and to meet again in the spring, when the costs of the repair would be known.\n' +
  'Everyone thanked the chair for keeping the meeting short and friendly.';

describe('junk-signals block (every class and language)', () => {
  it('keeps ordinary prose', () => expect(j(PROSE)).toBeUndefined());

  it('near-empty: fewer than 100 non-space characters', () => {
    expect(j('test')).toBe('junk:near_empty');
    expect(j('x'.repeat(100))).not.toBe('junk:near_empty');
  });

  it('lorem ipsum anywhere (C4)', () => expect(j(`${PROSE}\nLorem ipsum dolor sit amet.`)).toBe('junk:lorem_ipsum'));

  it('templates: more than 50 % of lines repeat another once digits are masked', () => {
    const template = Array.from({ length: 20 }, (_, i) => `Product ${i}: fresh apples available now for ${i * 3} euros.`).join('\n');
    expect(j(template)).toBe('junk:repeated_lines');
    // 2 of 5 lines repeat (40 %): kept.
    const some = [
      'Alpha line with words here',
      'Alpha line with words here',
      'Beta line with other words',
      'Gamma line again different',
      'Alpha line with words here',
    ];
    expect(j(`${PROSE}\n${some.join('\n')}`)).toBeUndefined();
  });

  it('base64 and hex dumps', () => {
    const b64 = Buffer.from(Array.from({ length: 900 }, (_, i) => (i * 37) % 256))
      .toString('base64')
      .match(/.{1,76}/g)!
      .join('\n');
    expect(j(b64)).toBe('junk:encoded_dump');
    const hex = Array.from(
      { length: 20 },
      (_, i) => `${(i * 16).toString(16).padStart(8, '0')}  de ad be ef 00 11 22 33 44 55 66 77  |................|`,
    ).join('\n');
    expect(j(hex)).toBe('junk:encoded_dump');
  });

  it('logs: more than half the lines start with a timestamp', () => {
    const msgs = [
      'worker started',
      'cache miss for a key',
      'request done',
      'retrying upstream',
      'flushed the buffer',
      'opened a socket',
      'closed the socket',
      'loaded settings',
      'sent the heartbeat',
      'rotated the file',
    ];
    const log = msgs.map((m, i) => `2024-01-0${(i % 9) + 1}T12:00:0${i}Z INFO ${m}`).join('\n');
    expect(j(`${log}`)).toBe('junk:log_lines');
  });

  it('boilerplate: cookie, navigation and legal lines (several languages)', () => {
    const bp = [
      'Home | About | Products | Contact',
      'We use cookies to improve your experience.',
      '© 2024 Example. All rights reserved.',
      'Datenschutzerklärung | Impressum | AGB',
      'Tous droits réservés. Mentions légales.',
    ].join('\n');
    expect(j(bp.repeat(1))).toBe('junk:boilerplate');
  });

  it('keyword spam: the 10 most frequent words are more than half of the text', () => {
    const spam = Array.from({ length: 60 }, (_, i) => ['cheap', 'flights', 'paris', 'hotel', 'deals'][i % 5]).join(' ');
    expect(j(spam)).toBe('junk:keyword_spam');
    expect(j(PROSE.repeat(1))).toBeUndefined();
  });

  it('gibberish: implausible Latin words, or random Han characters', () => {
    const words = 'xkcdq brtzl mnpfw qwrtp zxcvb lkjhg ghjkl trwqp vbnmx plmkn'.split(' ');
    expect(j(Array.from({ length: 40 }, (_, i) => words[(i * 7) % 10] + 'a'.repeat(i % 2)).join(' ') + '.')).toBe('junk:gibberish');
    let han = '';
    for (let i = 0; i < 300; i++) han += String.fromCharCode(0x4e00 + ((i * 7919) % 5000));
    expect(j(han)).toBe('junk:gibberish');
  });

  it('null disables a rule', () => expect(j('test', { min_chars: null })).toBeUndefined());
});
