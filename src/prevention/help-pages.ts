/**
 * The help pages: an index of the topics, and each topic on a page of its own, read well by screen
 * readers: one h1, an h2 per section in order, lists for points (numbered where the order matters),
 * a list of the sections at the top to jump to, and nothing but text and links.
 */
import { Type } from 'typebox';
import { PUBLIC } from '../platform/http/access.ts';
import { type SafeHtml, html } from '../platform/http/html.ts';
import { notFound } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { HELP_TOPICS, type HelpSection, type HelpTopic, helpKey, isHelpTopic, sectionsOf } from './help-topics.ts';
import { HELP_PAGE, type PublicContext, SURVEY_PAGE, helpPath, publicContext, publicPage } from './layout.ts';
import { sendPublic } from './public-lists.ts';

function indexPage(context: PublicContext): string {
  const { t } = context;
  return publicPage(context, t('help.title'), html`
<h1>${t('help.title')}</h1>
<p class="lead">${t('help.intro')}</p>
<ul class="types">
${HELP_TOPICS.map((topic) => html`<li><a href="${helpPath(topic)}" aria-describedby="summary-${topic}">${t(helpKey(topic, 'title'))}</a> <span class="hint" id="summary-${topic}">${t(helpKey(topic, 'summary'))}</span></li>`)}
</ul>
<h2>${t('help.survey.heading')}</h2>
<p>${t('help.survey.text')} <a href="${SURVEY_PAGE}">${t('help.survey.link')}</a></p>`);
}

function points(context: PublicContext, topic: HelpTopic, section: HelpSection): SafeHtml {
  const items = Array.from({ length: section.points }, (_, index) => html`<li>${context.t(helpKey(topic, section.id, index + 1))}</li>`);
  return section.steps ? html`<ol class="steps">${items}</ol>` : html`<ul class="notice-list">${items}</ul>`;
}

function topicPage(context: PublicContext, topic: HelpTopic): string {
  const { t } = context;
  const title = t(helpKey(topic, 'title'));
  const sections = sectionsOf(topic);
  return publicPage(context, title, html`
<h1>${title}</h1>
<p class="lead">${t(helpKey(topic, 'intro'))}</p>
<nav aria-labelledby="contents"><h2 id="contents">${t('help.contents')}</h2>
<ul>${sections.map((section) => html`<li><a href="#${section.id}">${t(helpKey(topic, section.id))}</a></li>`)}</ul></nav>
${sections.map((section) => html`<section>
<h2 id="${section.id}">${t(helpKey(topic, section.id))}</h2>
${section.folded ? html`<details><summary>${t(helpKey(topic, section.id, 'show'))}</summary>${points(context, topic, section)}</details>` : points(context, topic, section)}
${section.link ? html`<p><a href="${section.link.href}">${t(section.link.label)}</a></p>` : ''}
</section>`)}
${topic === 'businesses' ? html`<p>${t('help.survey.text')} <a href="${SURVEY_PAGE}">${t('help.survey.link')}</a></p>` : ''}
<p><a href="${HELP_PAGE}">${t('help.back')}</a></p>`);
}

export function helpPages(app: HttpServer): void {
  const config = { access: PUBLIC, page: true };

  app.get(HELP_PAGE, { config, schema: { hide: true } }, (request, reply) => sendPublic(reply, 200, indexPage(publicContext(request))));

  app.get(`${HELP_PAGE}/:topic`, { config, schema: { hide: true, params: Type.Object({ topic: Type.String({ maxLength: 40 }) }) } }, (request, reply) => {
    const { topic } = request.params;
    if (!isHelpTopic(topic)) throw notFound(`help topic ${topic}`);
    return sendPublic(reply, 200, topicPage(publicContext(request), topic));
  });
}
