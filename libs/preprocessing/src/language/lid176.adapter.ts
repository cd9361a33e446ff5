import { type LanguageGuess, type LanguageIdentifier } from './language-identifier';

/**
 * fastText lid.176 (the compressed lid.176.ftz, 176 languages), the model
 * datatrove's LanguageFilter and Upstage's Dataverse use, run by the npm
 * package fasttext.wasm.js (fastText compiled to WebAssembly, the model file
 * shipped inside the package: nothing is downloaded at run time). Loads on
 * Node 20 in the main thread and in worker_threads (each thread loads its own
 * instance, ≈ 0.6 s and a few MB).
 *
 * Labels are Wikipedia codes; they are ISO 639-1 where one exists (en, de,
 * ja ...) and ISO 639-2/3 otherwise (ceb, war ...), which is the form recorded.
 * A few Wikipedia-only codes are mapped to ISO: als → gsw, bh → bih, eml → egl,
 * nah stays, sh → hbs, wuu stays, zh stays.
 */
const WIKI_TO_ISO: Record<string, string> = { als: 'gsw', bh: 'bih', eml: 'egl', sh: 'hbs', 'roa-tara': 'nap', 'map-bms': 'jv' };

interface FastTextVector {
  size(): number;
  get(i: number): [number, string];
  delete?: () => void;
}
interface FastTextModelLike {
  predict(text: string, k: number, threshold: number): FastTextVector;
}

export async function loadLid176(): Promise<LanguageIdentifier> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS build of an ESM-first package
  const ft = require('fasttext.wasm.js') as { getLIDModel(): Promise<{ load(): Promise<FastTextModelLike> }> };
  const model = await (await ft.getLIDModel()).load();
  return {
    model: 'lid.176.ftz',
    identify(text: string): LanguageGuess {
      if (text.trim() === '') return { language: 'und', score: 0 };
      const v = model.predict(text, 1, 0);
      try {
        if (v.size() === 0) return { language: 'und', score: 0 };
        const [p, label] = v.get(0);
        const wiki = label.replace('__label__', '');
        return { language: WIKI_TO_ISO[wiki] ?? wiki, score: Math.round(Math.min(1, p) * 1000) / 1000 };
      } finally {
        v.delete?.();
      }
    },
  };
}
