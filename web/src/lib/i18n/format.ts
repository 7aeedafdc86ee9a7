/**
 * Numbers and clock times for a language, through Intl (formatters are made once per language). Pure.
 * Times use a 24-hour clock in both languages: an operator lines them up with logs.
 */
import type { Lang } from './lang.js';

export const LOCALES: Record<Lang, string> = { en: 'en', ko: 'ko-KR' };

export interface Format {
  readonly locale: string;
  /** Grouped digits; `digits` fixes the decimals (as toFixed would), otherwise up to 3. */
  number(n: number, digits?: number): string;
  /** A share 0..1 as a percentage with one decimal: "12.5%". */
  percent(share: number): string;
  /** A latency: tenths under 10 ms, whole milliseconds above (no unit). */
  ms(v: number): string;
  /** The wall clock time of an epoch-ms instant: "18:27:05". */
  time(t: number): string;
  /** Date and time of an epoch-ms instant, for a run's start. */
  dateTime(t: number): string;
}

const cache = new Map<Lang, Format>();

export function formatFor(lang: Lang): Format {
  let format = cache.get(lang);
  if (!format) {
    format = createFormat(LOCALES[lang]);
    cache.set(lang, format);
  }
  return format;
}

function createFormat(locale: string): Format {
  const numbers = new Map<number | undefined, Intl.NumberFormat>();
  const numberFormat = (digits: number | undefined): Intl.NumberFormat => {
    let f = numbers.get(digits);
    if (!f) {
      f = new Intl.NumberFormat(
        locale,
        digits === undefined
          ? { maximumFractionDigits: 3 }
          : { minimumFractionDigits: digits, maximumFractionDigits: digits },
      );
      numbers.set(digits, f);
    }
    return f;
  };
  const clock = new Intl.DateTimeFormat(locale, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  const dated = new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'medium',
    hourCycle: 'h23',
  });
  const number = (n: number, digits?: number): string => numberFormat(digits).format(n);
  return {
    locale,
    number,
    percent: (share) => `${number(share * 100, 1)}%`,
    ms: (v) => (v < 10 ? number(v, 1) : number(Math.round(v), 0)),
    time: (t) => clock.format(t),
    dateTime: (t) => dated.format(t),
  };
}
