/** The dashboard's catalogues, message parameters, language choice and locale formats. */
import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/lib/i18n/en.js';
import { formatFor } from '../../web/src/lib/i18n/format.js';
import { ko } from '../../web/src/lib/i18n/ko.js';
import { wordsFor } from '../../web/src/lib/i18n/index.js';
import {
  browserLang,
  createLangStore,
  initialLang,
  LANG_KEY,
  type Lang,
} from '../../web/src/lib/i18n/lang.js';
import { fill, paramsOf } from '../../web/src/lib/i18n/translate.js';

const catalogues: Record<Lang, Record<string, string>> = { en, ko };

function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  };
}

describe('catalogues', () => {
  it('English and Korean have the same keys', () => {
    const enKeys = Object.keys(en).sort();
    const koKeys = Object.keys(ko).sort();
    expect(
      koKeys.filter((k) => !(k in en)),
      'in ko, not in en',
    ).toEqual([]);
    expect(
      enKeys.filter((k) => !(k in ko)),
      'in en, missing from ko',
    ).toEqual([]);
    expect(enKeys.length).toBeGreaterThan(100);
  });

  it('no message is empty', () => {
    for (const [lang, catalogue] of Object.entries(catalogues)) {
      const empty = Object.entries(catalogue).filter(([, text]) => text.trim() === '');
      expect(empty.map(([key]) => `${lang}:${key}`)).toEqual([]);
    }
  });

  it('every parameter of an English message is in its Korean one, and no other', () => {
    const mismatched = Object.entries(en)
      .map(([key, text]) => ({
        key,
        en: [...new Set(paramsOf(text))].sort(),
        ko: [...new Set(paramsOf(ko[key as keyof typeof en]))].sort(),
      }))
      .filter((m) => m.en.join() !== m.ko.join());
    expect(mismatched).toEqual([]);
  });

  it('the Korean catalogue is Korean: most messages carry Hangul', () => {
    const hangul = Object.values(ko).filter((text) => /[\uac00-\ud7a3]/.test(text)).length;
    expect(hangul / Object.keys(ko).length).toBeGreaterThan(0.9);
  });
});

describe('t()', () => {
  it('fills named parameters, numbers in the locale, and leaves an unknown one visible', () => {
    const number = formatFor('en').number;
    expect(fill('{n} failed ({kinds})', { n: 12345, kinds: '3 reset' }, number)).toBe(
      '12,345 failed (3 reset)',
    );
    expect(fill('a {missing} b', { other: 1 }, number)).toBe('a {missing} b');
    expect(fill('no params {x}', undefined, number)).toBe('no params {x}');
    expect(paramsOf('{from} → {to} took {seconds} s')).toEqual(['from', 'to', 'seconds']);
  });

  it('speaks each language', () => {
    expect(wordsFor('en').t('share.requests', { n: 1234 })).toBe('1,234 requests');
    expect(wordsFor('ko').t('share.requests', { n: 1234 })).toBe('요청 1,234개');
    expect(wordsFor('ko').t('unit.seconds', { n: 2.5 })).toBe('2.5초');
  });
});

describe('language', () => {
  it("follows the browser's first language the page speaks, else English", () => {
    expect(browserLang(['ko-KR', 'en-US'])).toBe('ko');
    expect(browserLang(['ko'])).toBe('ko');
    expect(browserLang(['de-DE', 'ko-KR'])).toBe('ko');
    expect(browserLang(['en-GB', 'ko-KR'])).toBe('en');
    expect(browserLang(['fr-FR'])).toBe('en');
    expect(browserLang([])).toBe('en');
  });

  it('a choice made on the page wins over the browser, and a bad saved value does not', () => {
    expect(initialLang(memoryStorage({ [LANG_KEY]: 'en' }), ['ko-KR'])).toBe('en');
    expect(initialLang(memoryStorage({ [LANG_KEY]: 'xx' }), ['ko-KR'])).toBe('ko');
    const throwing = {
      getItem: () => {
        throw new Error('disabled');
      },
      setItem: () => undefined,
    };
    expect(initialLang(throwing, ['ko-KR'])).toBe('ko');
  });

  it('the store remembers a switch and tells its subscribers', () => {
    const storage = memoryStorage();
    const store = createLangStore(storage, ['ko-KR']);
    const seen: Lang[] = [];
    const stop = store.subscribe((l) => seen.push(l));
    store.set('en');
    stop();
    expect(seen).toEqual(['ko', 'en']);
    expect(storage.items.get(LANG_KEY)).toBe('en');
    expect(createLangStore(storage, ['ko-KR']).subscribe(() => undefined)).toBeTypeOf('function');
    expect(initialLang(storage, ['ko-KR'])).toBe('en');
  });
});

describe('formats', () => {
  const at = new Date(2026, 10, 29, 18, 5, 9).getTime();

  it('English: grouped numbers, fixed decimals, percentages, a 24-hour clock', () => {
    const f = formatFor('en');
    expect(f.number(1234567)).toBe('1,234,567');
    expect(f.number(2.25, 1)).toBe((2.25).toFixed(1));
    expect(f.percent(0.1234)).toBe('12.3%');
    expect(f.ms(3.14159)).toBe('3.1');
    expect(f.ms(1234.6)).toBe('1,235');
    expect(f.time(at)).toBe('18:05:09');
  });

  it('Korean: the ko-KR locale for numbers, times and dates', () => {
    const f = formatFor('ko');
    expect(f.locale).toBe('ko-KR');
    expect(f.number(1234567)).toBe(new Intl.NumberFormat('ko-KR').format(1234567));
    expect(f.time(at)).toBe('18:05:09');
    expect(f.dateTime(at)).toContain('2026. 11. 29.');
  });
});
