/**
 * The page's language: the one the user picked on the page (remembered in localStorage), else the first of
 * the browser's languages that the dashboard speaks, else English. A Svelte store; storage and the
 * browser's languages are passed in so the logic is tested without a browser.
 */
export const LANGS = ['en', 'ko'] as const;
export type Lang = (typeof LANGS)[number];
export const LANG_KEY = 'bluegreen.lang';

/** The part of the Web Storage API used (this module is also compiled without the DOM types). */
export interface LangStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function isLang(value: unknown): value is Lang {
  return (LANGS as readonly unknown[]).includes(value);
}

/** `['ko-KR', 'en-US']` → 'ko'; a language the page does not speak is skipped; none → 'en'. */
export function browserLang(languages: readonly string[]): Lang {
  for (const tag of languages) {
    const primary = tag.toLowerCase().split('-')[0];
    if (isLang(primary)) return primary;
  }
  return 'en';
}

export function initialLang(storage: LangStorage | null, languages: readonly string[]): Lang {
  try {
    const saved = storage?.getItem(LANG_KEY);
    if (isLang(saved)) return saved;
  } catch {
    // Storage disabled: the browser's language it is.
  }
  return browserLang(languages);
}

export interface LangStore {
  subscribe(run: (lang: Lang) => void): () => void;
  set(lang: Lang): void;
}

export function createLangStore(storage: LangStorage | null, languages: readonly string[]): LangStore {
  let lang = initialLang(storage, languages);
  const subscribers = new Set<(lang: Lang) => void>();
  return {
    subscribe(run) {
      subscribers.add(run);
      run(lang);
      return () => void subscribers.delete(run);
    },
    set(next) {
      lang = next;
      try {
        storage?.setItem(LANG_KEY, next);
      } catch {
        // Not remembered, still applied.
      }
      for (const run of subscribers) run(lang);
    },
  };
}

function localStore(): LangStorage | null {
  try {
    // Reading the property throws where storage is disabled.
    return (globalThis as { localStorage?: LangStorage }).localStorage ?? null;
  } catch {
    return null;
  }
}

function navigatorLanguages(): readonly string[] {
  const nav = (globalThis as { navigator?: { languages?: readonly string[]; language?: string } }).navigator;
  return nav?.languages ?? (nav?.language ? [nav.language] : []);
}

/** The page's one instance. */
export const lang = createLangStore(localStore(), navigatorLanguages());
