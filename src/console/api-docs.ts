import { html } from '../platform/http/html.ts';
import { PUBLIC } from '../platform/http/access.ts';
import { type HttpServer, routesOf } from '../platform/http/server.ts';
import { type NodeIdentity, page, pageContext } from './layout.ts';

/**
 * A readable page for the OpenAPI document, rendered on the server from the same route table:
 * no script, light, and in the reader's language for everything but the route summaries.
 */
export function apiDocs(app: HttpServer, node: NodeIdentity): void {
  app.get('/api/openapi.json', { config: { access: PUBLIC }, schema: { hide: true } }, () => app.swagger());

  app.get('/api/docs', { config: { access: PUBLIC, page: true }, schema: { hide: true } }, (request, reply) => {
    const context = pageContext(request, node);
    const { t } = context;
    const operations = routesOf(app).filter((route) => route.documented);
    const tags = [...new Set(operations.map((op) => op.tag))].sort();
    const body = html`
<h1>${t('docs.title')}</h1>
<p>${t('docs.intro', { url: '/api/openapi.json' })} <a href="/api/openapi.json">openapi.json</a></p>
${tags.map((tag) => html`
<h2 id="${tag}">${tag}</h2>
<div class="wide" role="region" aria-labelledby="${tag}" tabindex="0">
<table>
<thead><tr><th scope="col">HTTP</th><th scope="col">${t('docs.summary')}</th><th scope="col">${t('docs.access')}</th></tr></thead>
<tbody>${operations
      .filter((op) => op.tag === tag)
      .map((op) => html`<tr><td><code dir="ltr">${op.method} ${op.url}</code></td><td lang="en">${op.summary}</td><td>${
        'roles' in op.access ? html`<code dir="ltr">${op.access.roles.join(', ')}</code>` : t('docs.public')
      }</td></tr>`)}</tbody>
</table>
</div>`)}`;
    return reply.type('text/html; charset=utf-8').send(page(context, t('docs.title'), body));
  });
}
