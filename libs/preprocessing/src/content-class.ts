/**
 * Content classes and the deterministic classifier that picks one per
 * document. Order of evidence:
 * 1. the file or archive member name: source extensions → code; .md,
 *    .markdown, .rst → markdown; man page names (foo.1 ... foo.8, with or
 *    without .txt) → reference;
 * 2. cheap features of the text (first 64 KiB), when the name says nothing
 *    (.txt, .jsonl rows, no name):
 *    - code: ≥ 30 % of non-blank lines end in ; { } or start with a keyword
 *      of a common language (function, def, class, import, #include, ...),
 *      or a shebang on the first line;
 *    - markdown: ≥ 2 markdown constructs (ATX headings, fenced code, links
 *      [x](y), list items) and at least one heading or fence;
 *    - reference: man page layout (an upper-case section heading such as NAME,
 *      SYNOPSIS, OPTIONS, BESCHREIBUNG, or ≥ 20 % of lines being option
 *      entries "-x, --long ..."), or DEP-5 copyright fields;
 *    - otherwise prose.
 * Pure: same (text, name), same class.
 */
export const CONTENT_CLASSES = ['prose', 'markdown', 'code', 'reference'] as const;
export type ContentClass = (typeof CONTENT_CLASSES)[number];

const CODE_EXT =
  /\.(c|h|cc|cpp|cxx|hpp|hh|cs|java|kt|kts|scala|go|rs|swift|m|mm|js|mjs|cjs|jsx|ts|tsx|py|pyi|rb|php|pl|pm|lua|r|jl|sh|bash|zsh|fish|ps1|sql|hs|ml|mli|ex|exs|erl|clj|dart|vue|svelte|css|scss|less|el|vim|zig|nim|f90|pas|asm|s|cmake|gradle|groovy|tf|proto)$/i;
const MARKDOWN_EXT = /\.(md|markdown|mdown|mkd|rst)$/i;
const MAN_NAME = /(^|\/)[^/]+\.[1-8][a-z]*(\.txt)?$/i;

export function classFromName(name: string | undefined): ContentClass | null {
  if (!name) return null;
  const base = name.replace(/\.(gz|bz2|xz|zst)$/i, '');
  if (CODE_EXT.test(base)) return 'code';
  if (MARKDOWN_EXT.test(base)) return 'markdown';
  if (MAN_NAME.test(base)) return 'reference';
  if (/(^|\/)(Makefile|Dockerfile|CMakeLists\.txt)$/.test(base)) return 'code';
  return null;
}

const CODE_LINE =
  /^\s*(?:(?:export\s+)?(?:async\s+)?function\b|def |class |import |from \S+ import|#include|package |public |private |protected |static |const |let |var |return\b|if\s*\(|for\s*\(|while\s*\(|}|#!\/)|[;{}]\s*$/;
const MD_HEADING = /^#{1,6} \S/;
const MD_FENCE = /^\s*(```|~~~)/;
const MD_LINK = /\[[^\]\n]+\]\([^)\s]+\)/;
const MD_LIST = /^\s*(?:[-*+]|\d{1,3}\.) \S/;
const MAN_HEADING =
  /^(?:NAME|SYNOPSIS|DESCRIPTION|OPTIONS|[\p{Lu}][\p{Lu} ]{2,40}|[\p{Script=Han}\p{Script=Hangul}\p{Script=Katakana}\p{Script=Hiragana}]{2,8})$/u;
const OPTION_LINE = /^\s+(?:-{1,2}[\w?][\w-]*|[A-Z_]{3,}=)/;
const DEP5 = /^(?:Format|Upstream-Name|Files|Copyright|License):/m;

export function classifyContent(text: string, name?: string): ContentClass {
  const byName = classFromName(name);
  if (byName) return byName;
  const head = text.length > 65536 ? text.slice(0, 65536) : text;
  const lines = head.split('\n');
  let nonBlank = 0;
  let code = 0;
  let headings = 0;
  let fences = 0;
  let links = 0;
  let lists = 0;
  let manHeadings = 0;
  let options = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    nonBlank += 1;
    if (CODE_LINE.test(line)) code += 1;
    if (MD_HEADING.test(line)) headings += 1;
    if (MD_FENCE.test(line)) fences += 1;
    if (MD_LINK.test(line)) links += 1;
    if (MD_LIST.test(line)) lists += 1;
    if (!line.startsWith(' ') && MAN_HEADING.test(line.trim())) manHeadings += 1;
    if (OPTION_LINE.test(line)) options += 1;
  }
  if (nonBlank === 0) return 'prose';
  if (lines[0].startsWith('#!') || code / nonBlank >= 0.3) return 'code';
  const mdConstructs = (headings > 0 ? 1 : 0) + (fences > 0 ? 1 : 0) + (links > 0 ? 1 : 0) + (lists > 0 ? 1 : 0);
  if (mdConstructs >= 2 && headings + fences > 0) return 'markdown';
  if (manHeadings >= 2 || options / nonBlank >= 0.2 || DEP5.test(head.slice(0, 2000))) return 'reference';
  return 'prose';
}
