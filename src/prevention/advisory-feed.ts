/**
 * The advisories as an Atom feed (RFC 4287), one per language: `?lang=`, or the reader's language
 * as the portal's pages find it. An entry untranslated into the feed's language comes in its
 * original language, with its own xml:lang. A withdrawal is an update of its entry, which says so
 * and why, so that readers who saw the advisory learn that it no longer holds.
 */
import { Type } from 'typebox';
import type { Database } from '../platform/db/database.ts';
import { LOCALES } from '../platform/i18n/locales.ts';
import { PUBLIC } from '../platform/http/access.ts';
import { html } from '../platform/http/html.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { StringEnum } from '../platform/schema.ts';
import { type PublicAdvisory, publicAdvisories } from './advisories.ts';
import { advisoryText } from './advisory-pages.ts';
import { ADVISORIES_PAGE, ADVISORY_FEED, type PublicContext, publicContext, translator } from './layout.ts';

const FEED_LIMIT = 50;
export const ATOM_MEDIA_TYPE = 'application/atom+xml; charset=utf-8';

export interface FeedOptions {
  /** Atom wants absolute links, and ids that stay the same wherever the feed is read from. */
  publicUrl: string;
  /** Who publishes: the node's name. */
  author: string;
}

const instant = (date: Date) => date.toISOString();

function entry(context: PublicContext, advisory: PublicAdvisory, publicUrl: string) {
  const { t } = context;
  const { text } = advisoryText(context, advisory);
  const withdrawn = advisory.withdrawnAt !== null;
  // The markup is XML: the html tag escapes & < > " ' as XML wants them escaped too.
  return html`<entry${text.locale === context.locale ? '' : html` xml:lang="${text.locale}"`}>
<id>urn:uuid:${advisory.id}</id>
<title>${withdrawn ? t('advisory.withdrawn.entry', { title: text.title }) : text.title}</title>
<updated>${instant(advisory.withdrawnAt ?? advisory.updatedAt)}</updated>
<published>${instant(advisory.publishedAt)}</published>
<link rel="alternate" type="text/html" href="${publicUrl}${ADVISORIES_PAGE}/${advisory.id}"/>
<category term="${advisory.audience}" label="${t(`audience.${advisory.audience}`)}"/>
<category term="${advisory.threat}" label="${t(`type.${advisory.threat}`)}"/>
<summary type="text">${advisory.withdrawalReason ?? text.summary}</summary>
${withdrawn ? '' : html`<content type="text">${text.body}</content>`}
</entry>`;
}

export function advisoryFeed(context: PublicContext, advisories: readonly PublicAdvisory[], options: FeedOptions): string {
  const { t, locale } = context;
  const self = `${options.publicUrl}${ADVISORY_FEED}?lang=${locale}`;
  // An empty feed was never updated: the epoch says so and stays the same from one reading to the next.
  const updated = advisories.reduce((latest, advisory) => Math.max(latest, (advisory.withdrawnAt ?? advisory.updatedAt).getTime()), 0);
  return `<?xml version="1.0" encoding="utf-8"?>\n${html`<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${locale}">
<id>${self}</id>
<title>${t('advisories.feed.title', { site: t('site.name') })}</title>
<subtitle>${t('advisories.intro')}</subtitle>
<updated>${instant(new Date(updated))}</updated>
<author><name>${options.author}</name><uri>${options.publicUrl}${ADVISORIES_PAGE}</uri></author>
<link rel="self" type="application/atom+xml" href="${self}"/>
<link rel="alternate" type="text/html" href="${options.publicUrl}${ADVISORIES_PAGE}"/>
${advisories.map((advisory) => entry(context, advisory, options.publicUrl))}
</feed>`}\n`;
}

export function advisoryFeedRoute(app: HttpServer, db: Database, options: FeedOptions): void {
  app.get(ADVISORY_FEED, {
    config: { access: PUBLIC },
    schema: { hide: true, querystring: Type.Object({ lang: Type.Optional(StringEnum(LOCALES)) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const chosen = request.query.lang;
    const context = chosen ? { ...publicContext(request), locale: chosen, t: translator(chosen) } : publicContext(request);
    const advisories = await publicAdvisories(db, { withdrawn: true, limit: FEED_LIMIT });
    return reply.type(ATOM_MEDIA_TYPE).send(advisoryFeed(context, advisories, options));
  });
}
