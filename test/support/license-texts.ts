import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Real English prose every Debian machine has, for the dataset tests: the
 * license texts in /usr/share/common-licenses, and documents derived from
 * them deterministically.
 */
export const LICENSE_DIR = '/usr/share/common-licenses';

/** A license file as it is on disk. */
export function licenseFile(name: string): string {
  return readFileSync(path.join(LICENSE_DIR, name), 'utf8');
}

/** A whole license as one document (blank lines collapsed, so a .txt upload keeps it in one piece). */
export function licenseText(name: string): string {
  return licenseFile(name)
    .replace(/\n\s*\n/g, '\n')
    .trim();
}

/**
 * A distinct document per seed with the license's quality: each line's
 * words in a seeded order but its last (same words and lines, so the
 * quality filters judge it like the original; other 5-grams, so it matches
 * neither the original nor another seed's).
 */
export function shuffledLicense(name: string, seed: number): string {
  let x = seed >>> 0 || 1;
  return licenseText(name)
    .split('\n')
    .map((line) => {
      const words = line.split(' ');
      for (let i = words.length - 2; i > 0; i--) {
        x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
        const j = x % (i + 1);
        [words[i], words[j]] = [words[j], words[i]];
      }
      return words.join(' ');
    })
    .join('\n');
}

/** A near copy: every 150th word (from the 75th) replaced by "changed". */
export function nearCopy(text: string): string {
  return text
    .split(' ')
    .map((w, i) => (i % 150 === 75 ? 'changed' : w))
    .join(' ');
}
