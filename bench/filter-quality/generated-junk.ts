/**
 * Generated junk for the filter-quality evaluation: the kinds of documents a
 * contributor could upload to be paid for nothing. Every kind is made in the
 * languages of the good corpus where it makes sense (spam in German is still
 * spam), from a seeded generator, so a run is reproducible.
 *
 * Kinds: gibberish, keyword-spam, repeated-lines (one template with changing
 * numbers), boilerplate (cookie banners, navigation, legal footers),
 * base64-hex (encoded dumps), logs, lorem-ipsum, near-empty, and for code:
 * minified (one huge line), generated-code (auto-generated markers and tables),
 * data-as-code (a big literal array in a .js/.py file).
 */
import type { LabelledDocument } from './labelled-corpus';
import { seededRandom } from '../seeded-random';

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

const CJK = new Set(['ja', 'zh', 'ko']);

/** Words (letters only, 3+ chars; CJK: 2-char runs) of a language's good documents. */
function vocabulary(docs: readonly LabelledDocument[], language: string): string[] {
  const words = new Set<string>();
  for (const d of docs) {
    if (d.language !== language || d.label !== 'good') continue;
    if (CJK.has(language)) {
      for (const m of d.text.matchAll(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]{2,4}/gu)) words.add(m[0]);
    } else for (const m of d.text.matchAll(/\p{L}{3,}/gu)) words.add(m[0].toLowerCase());
    if (words.size > 4000) break;
  }
  return [...words].sort();
}

const LOREM =
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum.';

const BOILERPLATE: Record<string, string[]> = {
  en: [
    'Home | About us | Products | Services | Blog | Contact',
    'We use cookies to improve your experience on our website. By continuing to browse, you agree to our use of cookies.',
    'Accept all cookies   Reject   Cookie settings',
    '© 2024 Example Corp. All rights reserved.',
    'Privacy Policy | Terms of Use | Cookie Policy | Imprint | Sitemap',
    'Follow us on Facebook, Twitter, Instagram and LinkedIn.',
    'Sign up for our newsletter to get the latest news and offers.',
    'Skip to main content',
    'Log in  Register  My account  Cart (0)',
    'Share this page: Facebook Twitter Email Print',
  ],
  de: [
    'Startseite | Über uns | Produkte | Leistungen | Blog | Kontakt',
    'Wir verwenden Cookies, um Ihnen das beste Nutzererlebnis zu bieten. Mit der weiteren Nutzung stimmen Sie der Verwendung von Cookies zu.',
    'Alle akzeptieren   Ablehnen   Einstellungen',
    '© 2024 Beispiel GmbH. Alle Rechte vorbehalten.',
    'Datenschutzerklärung | Impressum | AGB | Sitemap',
    'Folgen Sie uns auf Facebook, Twitter und Instagram.',
    'Melden Sie sich für unseren Newsletter an.',
    'Zum Inhalt springen',
    'Anmelden  Registrieren  Mein Konto  Warenkorb (0)',
  ],
  fr: [
    'Accueil | À propos | Produits | Services | Blog | Contact',
    'Ce site utilise des cookies pour améliorer votre expérience. En poursuivant votre navigation, vous acceptez leur utilisation.',
    'Tout accepter   Refuser   Paramètres des cookies',
    '© 2024 Exemple SARL. Tous droits réservés.',
    'Politique de confidentialité | Mentions légales | CGU | Plan du site',
    'Suivez-nous sur Facebook, Twitter et Instagram.',
    'Inscrivez-vous à notre newsletter.',
    'Aller au contenu principal',
  ],
  es: [
    'Inicio | Quiénes somos | Productos | Servicios | Blog | Contacto',
    'Utilizamos cookies para mejorar su experiencia. Si continúa navegando, acepta su uso.',
    'Aceptar todas   Rechazar   Configuración',
    '© 2024 Ejemplo S.L. Todos los derechos reservados.',
    'Política de privacidad | Aviso legal | Política de cookies | Mapa del sitio',
    'Síguenos en Facebook, Twitter e Instagram.',
    'Suscríbete a nuestro boletín.',
  ],
};

function gibberish(r: Rand, language: string): string {
  const lines: string[] = [];
  const n = int(r, 10, 60);
  for (let i = 0; i < n; i++) {
    const words: string[] = [];
    for (let w = int(r, 5, 14); w > 0; w--) {
      if (CJK.has(language) || language === 'ru' || language === 'uk') {
        const base = language === 'ko' ? 0xac00 : language === 'ru' || language === 'uk' ? 0x430 : 0x4e00;
        const span = language === 'ru' || language === 'uk' ? 32 : 2000;
        words.push(Array.from({ length: int(r, 2, 8) }, () => String.fromCharCode(base + int(r, 0, span - 1))).join(''));
      } else words.push(Array.from({ length: int(r, 2, 11) }, () => String.fromCharCode(97 + int(r, 0, 25))).join(''));
    }
    lines.push(words.join(CJK.has(language) && language !== 'ko' ? '' : ' ') + (r() < 0.5 ? '.' : ''));
  }
  return lines.join('\n');
}

function keywordSpam(r: Rand, vocab: string[], language: string): string {
  const keywords = Array.from({ length: int(r, 3, 8) }, () => pick(r, vocab));
  const sep = CJK.has(language) && language !== 'ko' ? '' : ' ';
  const lines: string[] = [];
  for (let i = int(r, 15, 60); i > 0; i--) {
    lines.push(Array.from({ length: int(r, 4, 12) }, () => pick(r, keywords)).join(r() < 0.3 ? ', ' : sep));
  }
  return lines.join(r() < 0.5 ? '\n' : ' ');
}

function repeatedLines(r: Rand, vocab: string[]): string {
  const words = Array.from({ length: 6 }, () => pick(r, vocab));
  const lines: string[] = [];
  for (let i = 1, n = int(r, 20, 120); i <= n; i++)
    lines.push(
      `${words[0]} ${i}: ${words[1]} ${words[2]} ${words[3]} ${int(r, 1, 999)},${int(r, 10, 99)} € — ${words[4]} ${words[5]} ${int(r, 1, 30)}.`,
    );
  return lines.join('\n');
}

function boilerplate(r: Rand, language: string): string {
  const lines = BOILERPLATE[language] ?? BOILERPLATE.en;
  const out: string[] = [];
  for (let i = int(r, 6, 25); i > 0; i--) out.push(pick(r, lines));
  return out.join('\n');
}

function base64Hex(r: Rand): string {
  const bytes = Buffer.from(Array.from({ length: int(r, 600, 6000) }, () => int(r, 0, 255)));
  if (r() < 0.5) return (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\n');
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const chunk = [...bytes.subarray(off, off + 16)];
    lines.push(
      `${off.toString(16).padStart(8, '0')}  ${chunk.map((b) => b.toString(16).padStart(2, '0')).join(' ')}  |${chunk.map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('')}|`,
    );
  }
  return lines.join('\n');
}

function logs(r: Rand): string {
  const levels = ['INFO', 'DEBUG', 'WARN', 'ERROR'];
  const msgs = [
    'request completed',
    'connection established',
    'cache miss for key',
    'retrying upstream',
    'GET /api/v1/items 200',
    'POST /login 302',
    'worker heartbeat',
    'flushed buffer',
  ];
  const lines: string[] = [];
  let t = 1_700_000_000_000 + int(r, 0, 1e9);
  for (let i = int(r, 30, 200); i > 0; i--) {
    t += int(r, 1, 5000);
    lines.push(
      `${new Date(t).toISOString()} ${pick(r, levels)} [worker-${int(r, 1, 8)}] ${pick(r, msgs)} id=${int(r, 1e5, 1e6).toString(16)} took=${int(r, 1, 900)}ms`,
    );
  }
  return lines.join('\n');
}

function loremIpsum(r: Rand): string {
  const paragraphs: string[] = [];
  for (let i = int(r, 1, 8); i > 0; i--) paragraphs.push(LOREM);
  return paragraphs.join('\n\n');
}

function nearEmpty(r: Rand, vocab: string[]): string {
  const options = [
    () => pick(r, vocab),
    () => `${pick(r, vocab)} ${pick(r, vocab)}`,
    () => 'test',
    () => `${pick(r, vocab)}\n\n\n`,
    () => '.',
    () => `${int(r, 1, 100000)}`,
    () => `# ${pick(r, vocab)}\n`,
  ];
  return pick(r, options)();
}

function minified(r: Rand): string {
  const parts: string[] = [];
  for (let i = int(r, 200, 800); i > 0; i--) {
    const v = String.fromCharCode(97 + int(r, 0, 25));
    parts.push(
      pick(r, [
        `var ${v}=${int(r, 0, 99)};`,
        `function ${v}(e,t){return e+t*${int(r, 1, 9)}}`,
        `${v}.push(${v}[${int(r, 0, 9)}]);`,
        `if(${v}>1){${v}--}`,
      ]),
    );
  }
  return parts.join('');
}

function generatedCode(r: Rand): string {
  const lines = ['// Code generated by protoc-gen-go. DO NOT EDIT.', '// source: messages.proto', '', 'package messages', ''];
  for (let i = int(r, 40, 200); i > 0; i--)
    lines.push(`const Field_${int(r, 1000, 9999)}_${i} = ${int(r, 0, 1 << 30)} // ${r() < 0.5 ? 'auto' : 'generated'}`);
  return lines.join('\n');
}

function dataAsCode(r: Rand): string {
  const rows: string[] = [];
  for (let i = int(r, 100, 600); i > 0; i--)
    rows.push(`  [${int(r, 0, 65535)}, ${int(r, 0, 65535)}, ${(r() * 1000).toFixed(3)}, ${int(r, 0, 255)}, ${int(r, 0, 255)}],`);
  return `export const TABLE = [\n${rows.join('\n')}\n];\n`;
}

export const JUNK_KINDS = [
  'gibberish',
  'keyword-spam',
  'repeated-lines',
  'boilerplate',
  'base64-hex',
  'logs',
  'lorem-ipsum',
  'near-empty',
  'minified',
  'generated-code',
  'data-as-code',
] as const;

/** perKind documents of each junk kind, languages taken in turn from the good corpus's languages. */
export function generatedJunk(good: readonly LabelledDocument[], perKind: number, seed = 0x1771): LabelledDocument[] {
  const languages = [...new Set(good.filter((d) => d.label === 'good' && d.language !== 'code').map((d) => d.language))].sort();
  const vocab = new Map(languages.map((l) => [l, vocabulary(good, l)] as const));
  const r = seededRandom(seed);
  const out: LabelledDocument[] = [];
  for (const kind of JUNK_KINDS) {
    for (let i = 0; i < perKind; i++) {
      let language = languages.length === 0 ? 'en' : languages[i % languages.length];
      let words = vocab.get(language) ?? [];
      if (words.length < 20) {
        language = 'en';
        words = ['cheap', 'best', 'free', 'online', 'buy', 'price', 'deal', 'shop', 'discount', 'sale'];
      }
      let text: string;
      let name = `${kind}-${i}.txt`;
      switch (kind) {
        case 'gibberish':
          text = gibberish(r, language);
          break;
        case 'keyword-spam':
          text = keywordSpam(r, words, language);
          break;
        case 'repeated-lines':
          text = repeatedLines(r, words);
          break;
        case 'boilerplate':
          language = BOILERPLATE[language] ? language : 'en';
          text = boilerplate(r, language);
          break;
        case 'base64-hex':
          text = base64Hex(r);
          language = 'mixed';
          break;
        case 'logs':
          text = logs(r);
          language = 'en';
          name = `app-${i}.log.txt`;
          break;
        case 'lorem-ipsum':
          text = loremIpsum(r);
          language = 'la';
          break;
        case 'near-empty':
          text = nearEmpty(r, words);
          break;
        case 'minified':
          text = minified(r);
          language = 'code';
          name = `bundle-${i}.js`;
          break;
        case 'generated-code':
          text = generatedCode(r);
          language = 'code';
          name = `messages_${i}.pb.go`;
          break;
        case 'data-as-code':
          text = dataAsCode(r);
          language = 'code';
          name = `table-${i}.js`;
          break;
      }
      out.push({ id: `junk:${kind}:${i}`, label: 'junk', kind, language, name, text });
    }
  }
  return out;
}
