import { IntlMessageFormat } from 'intl-messageformat';

/** The six official languages of the United Nations. */
export const LOCALES = ['ar', 'zh', 'en', 'fr', 'ru', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** Each language named in itself, so that a reader finds their own in the switch. */
export const ENDONYMS: Record<Locale, string> = {
  ar: 'العربية',
  zh: '中文',
  en: 'English',
  fr: 'Français',
  ru: 'Русский',
  es: 'Español',
};

export const direction = (locale: Locale): 'rtl' | 'ltr' => (locale === 'ar' ? 'rtl' : 'ltr');

export const isLocale = (value: unknown): value is Locale => typeof value === 'string' && (LOCALES as readonly string[]).includes(value);

/** Picks the best of our locales for an Accept-Language header (RFC 9110 §12.5.4). */
export function negotiateLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return DEFAULT_LOCALE;
  const ranges = acceptLanguage
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { primary: tag.trim().toLowerCase().split('-')[0] ?? '', weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((range) => range.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  return ranges.map((range) => range.primary).find(isLocale) ?? DEFAULT_LOCALE;
}

export type Catalog = Readonly<Record<string, string>>;
export type Values = Record<string, string | number | Date>;

/** ICU MessageFormat messages in the six languages; every catalog must have every key. */
export class Messages<Key extends string> {
  private readonly formats = new Map<string, IntlMessageFormat>();

  constructor(private readonly catalogs: Record<Locale, Record<Key, string>>) {
    const keys = Object.keys(catalogs.en) as Key[];
    for (const locale of LOCALES) {
      for (const key of keys) {
        const source = catalogs[locale][key];
        if (source === undefined) throw new Error(`message ${key} is missing in ${locale}`);
        this.formats.set(`${locale}\u0000${key}`, new IntlMessageFormat(source, locale));
      }
    }
  }

  t(locale: Locale, key: Key, values?: Values): string {
    const format = this.formats.get(`${locale}\u0000${key}`);
    if (!format) throw new Error(`unknown message ${key}`);
    return String(format.format(values));
  }

  /** A translator bound to one locale, for templates. */
  for(locale: Locale): (key: Key, values?: Values) => string {
    return (key, values) => this.t(locale, key, values);
  }

  get keys(): Key[] {
    return Object.keys(this.catalogs.en) as Key[];
  }
}

/**
 * A State's name in the reader's language, or undefined for a code ISO 3166 leaves to its users
 * (AA, QM–QZ, XA–XZ, ZZ: CLDR names XA and XB after its pseudo-locales) or does not know.
 */
export function regionName(code: string, locale: Locale): string | undefined {
  if (!/^[A-Z]{2}$/.test(code) || /^(AA|Q[M-Z]|X[A-Z]|ZZ)$/.test(code)) return undefined;
  return new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' }).of(code);
}
