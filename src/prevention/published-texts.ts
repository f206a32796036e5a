/**
 * What advisories and good practices share: texts written by staff in some of the six languages,
 * shown to the public in theirs or, failing that, in another one marked as such, and the filters of
 * their public lists.
 */
import { Type } from 'typebox';
import { LOCALES, type Locale, direction } from '../platform/i18n/locales.ts';
import { type SafeHtml, html } from '../platform/http/html.ts';
import { StringEnum } from '../platform/schema.ts';
import type { PublicContext } from './layout.ts';

/** Who advisories and practices speak to: the public at large or a group that needs its own words (14(c), 14(f), 14(v)). */
export const PUBLIC_AUDIENCES = ['public', 'businesses', 'young', 'older'] as const;
export type PublicAudience = (typeof PUBLIC_AUDIENCES)[number];

/**
 * Text the public reads, in a page and in the Atom feed: XML 1.0 cannot carry control characters
 * (tab and line breaks aside), lone surrogates or U+FFFE/U+FFFF, so they are refused when written,
 * and so is text of nothing but spaces. Ajv reads patterns as Unicode: a surrogate pair is one character.
 */
export const PublishedText = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, pattern: '^(?=[^]*\\S)[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uD800-\\uDFFF\\uFFFE\\uFFFF]*$', ...(description ? { description } : {}) });
export const TITLE_MAX_LENGTH = 200;
export const SUMMARY_MAX_LENGTH = 600;
export const BODY_MAX_LENGTH = 20_000;

/** A choice of a GET filter form: empty means all; anything not offered is refused. */
export const FilterChoice = <const T extends readonly string[]>(values: T) => Type.Optional(StringEnum(['', ...values] as const));

export interface LocalisedText {
  locale: Locale;
}

/**
 * The text in the reader's language, or else in the first of `fallbacks` that has one (an
 * advisory's original language), or else the first in the order of LOCALES.
 */
export function textFor<T extends LocalisedText>(texts: readonly T[], wanted: Locale, fallbacks: readonly Locale[] = []): { text: T; translated: boolean } | undefined {
  for (const locale of [wanted, ...fallbacks, ...LOCALES]) {
    const text = texts.find((candidate) => candidate.locale === locale);
    if (text) return { text, translated: locale === wanted };
  }
  return undefined;
}

/** The attributes that tell a screen reader and the browser the language of a text that is not the page's. */
export const languageOf = (context: PublicContext, locale: Locale) =>
  locale === context.locale ? html`` : html`lang="${locale}" dir="${direction(locale)}"`;

/** Plain text as the staff wrote it: paragraphs at blank lines, line breaks kept within them. */
export function paragraphs(text: string): SafeHtml {
  return html`${text.split(/\n\s*\n/).map((paragraph) => paragraph.trim()).filter(Boolean).map((paragraph) => html`<p class="prose">${paragraph}</p>`)}`;
}

/** A date as people read it in the page's language, with the instant for machines. */
export const dateOf = ({ locale }: PublicContext, date: Date) =>
  html`<time datetime="${date.toISOString()}">${new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(date)}</time>`;
