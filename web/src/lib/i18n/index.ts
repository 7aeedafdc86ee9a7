/**
 * The dashboard's words: `$t('key', { param })` in components, `$fmt` for numbers and times, both following
 * the page's language (`lang`). Pure modules that build sentences take a `Words` (english by default).
 */
import { derived } from 'svelte/store';
import { en, type MessageKey } from './en.js';
import { formatFor, type Format } from './format.js';
import { ko } from './ko.js';
import { lang, type Lang } from './lang.js';
import { fill, type Params } from './translate.js';

export type { MessageKey } from './en.js';
export type { Format } from './format.js';
export { lang, LANGS, type Lang } from './lang.js';

export const CATALOGUES = { en, ko } as const;

export type Translate = (key: MessageKey, params?: Params) => string;

/** What a sentence needs: the words and the number formats of one language. */
export interface Words {
  t: Translate;
  fmt: Format;
}

export function wordsFor(language: Lang): Words {
  const fmt = formatFor(language);
  const catalogue = CATALOGUES[language];
  return { t: (key, params) => fill(catalogue[key], params, (n) => fmt.number(n)), fmt };
}

export const ENGLISH: Words = wordsFor('en');

export const words = derived(lang, wordsFor);
export const t = derived(words, (w) => w.t);
export const fmt = derived(words, (w) => w.fmt);
