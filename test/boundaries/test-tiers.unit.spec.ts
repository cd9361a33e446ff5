import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The test tiers of package.json (`test:unit`, `test:int`, `test:e2e`,
 * `test:browser`, chosen by the file name's suffix; the rule is in the
 * README) together run exactly what `npm test` runs: every spec file is in
 * exactly one tier, so none is left out of the per-tier runs.
 */
const root = path.resolve(__dirname, '../..');
const TIERS = ['unit', 'int', 'e2e', 'browser'] as const;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const jestConfig = require(path.join(root, 'jest.config.js')) as { roots: string[]; testMatch: string[] };
const scripts = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

function specFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : specFiles(p);
    return e.name.endsWith('.spec.ts') ? [p] : [];
  });
}

function tierPattern(tier: string): RegExp {
  const script = scripts[`test:${tier}`];
  const m = script === undefined ? null : /\bjest --testPathPatterns '([^']+)'$/.exec(script);
  if (!m) throw new Error(`package.json has no "test:${tier}" script of the form jest --testPathPatterns '<regex>': ${script}`);
  return new RegExp(m[1]);
}

describe('test tiers', () => {
  const files = jestConfig.roots.flatMap((r) => specFiles(r.replace('<rootDir>', root)));

  it('npm test runs the whole suite (jest with no filter) and Jest finds spec files by the .spec.ts suffix this test walks', () => {
    expect(scripts.test).toBe('npm run build && jest');
    expect(jestConfig.testMatch).toEqual(['**/*.spec.ts']);
    expect(files.length).toBeGreaterThan(100);
  });

  it('puts every spec file in exactly one tier', () => {
    const patterns = TIERS.map((t) => [t, tierPattern(t)] as const);
    const misplaced = files
      .map((f) => ({ file: path.relative(root, f), tiers: patterns.filter(([, re]) => re.test(f)).map(([t]) => t) }))
      .filter((f) => f.tiers.length !== 1);
    // A file here is run by `npm test` but by no tier (or by several): name it *.unit|int|e2e|browser.spec.ts.
    expect(misplaced).toEqual([]);
  });

  it('a file without a tier suffix would be caught', () => {
    const patterns = TIERS.map(tierPattern);
    expect(patterns.filter((re) => re.test(path.join(root, 'test/x/forgotten.spec.ts')))).toEqual([]);
    expect(patterns.filter((re) => re.test(path.join(root, 'test/browser/x.browser.spec.ts')))).toHaveLength(1);
  });
});
