import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ERROR_CATALOGUE, RENAMED_ERROR_CODES, isErrorCode } from './error-catalogue';
import { renderErrorCodesMarkdown } from './error-codes.markdown';

const ROOT = join(__dirname, '..', '..', '..');
const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist') out.push(...sources(path));
    } else if (/\.tsx?$/.test(entry.name) && !/\.spec\.tsx?$/.test(entry.name)) out.push(path);
  }
  return out;
}

/**
 * Where a code is written in the source: the first argument of a domain
 * error or of AuthenticationFailed, the code of problem(status, code), and
 * the code of a hidden-existence 404. Quoted or template literals.
 */
const CODE_SITES = [
  /new (?:Validation|NotFound|Conflict|IllegalState|PreconditionFailed|Forbidden|PayloadTooLarge)Error\(\s*(['"`])((?:(?!\1)[^\\]|\\.)*)\1/g,
  /new AuthenticationFailed\(\s*(['"`])((?:(?!\1)[^\\]|\\.)*)\1/g,
  /new LimitReached\(\s*\d+,\s*(['"`])((?:(?!\1)[^\\]|\\.)*)\1/g,
  /\bproblem\(\s*\d+,\s*(['"`])((?:(?!\1)[^\\]|\\.)*)\1/g,
  /hideExistence: (['"`])((?:(?!\1)[^\\]|\\.)*)\1/g,
];

/** Template-literal codes whose every value the compiler checks against the catalogue (a union of literal types). */
const TYPED_TEMPLATES = new Set(['dataset-${state.status}', '${field}-unknown']);

describe('error catalogue', () => {
  const codes = Object.keys(ERROR_CATALOGUE);

  it('holds kebab-case codes with a status, a title and a one-line meaning', () => {
    expect(codes.length).toBeGreaterThan(100);
    for (const [code, e] of Object.entries(ERROR_CATALOGUE)) {
      expect({ code, kebab: KEBAB.test(code) }).toEqual({ code, kebab: true });
      expect(e.status >= 400 && e.status <= 599).toBe(true);
      expect(e.title.length).toBeGreaterThan(0);
      expect(e.meaning).not.toMatch(/\n/);
    }
  });

  it('renames every old code to a catalogued one', () => {
    for (const [old, now] of Object.entries(RENAMED_ERROR_CODES)) {
      expect({ old, catalogued: isErrorCode(now) }).toEqual({ old, catalogued: true });
      expect(isErrorCode(old)).toBe(false);
    }
  });

  it('is the only source of the codes the code base can answer with', () => {
    const files = [...sources('src'), ...sources('apps'), ...sources('libs')];
    const outside: string[] = [];
    let found = 0;
    for (const file of files) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const site of CODE_SITES) {
        for (const m of text.matchAll(site)) {
          found++;
          const [, quote, code] = m;
          const where = `${relative(ROOT, join(ROOT, file))}: ${code}`;
          if (quote === '`' && code.includes('${')) {
            if (![...TYPED_TEMPLATES].some((t) => code.includes(t))) outside.push(`${where} (a code built at run time)`);
          } else if (!isErrorCode(code)) outside.push(where);
        }
      }
    }
    expect(found).toBeGreaterThan(100);
    expect(outside).toEqual([]);
  });

  it('is what docs/ERROR-CODES.md lists (npm run docs:errors rewrites it)', () => {
    expect(readFileSync(join(ROOT, 'docs', 'ERROR-CODES.md'), 'utf8')).toBe(renderErrorCodesMarkdown());
  });
});
