import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PUBLIC } from '../../src/platform/http/access.ts';
import { createHttpServer, routesOf } from '../../src/platform/http/server.ts';
import { createLogger } from '../../src/platform/log.ts';
import { Api, type TestNode, startTestNode, startTestNodeWithAdmin } from '../support/node.ts';

describe('the HTTP API: documented, with problem details and health', () => {
  let node: TestNode;
  let admin: Api;
  before(async () => {
    ({ node, admin } = await startTestNodeWithAdmin());
  });
  after(() => node.close());

  test('/health answers 200 with JSON while the database is up', async () => {
    const health = await new Api(node.url).get('/health');
    assert.equal(health.status, 200);
    assert.deepEqual(health.body, { status: 'ok', node: 'a-police', database: 'up', engine: node.database.db.engine });
  });

  test('the OpenAPI document describes every API route with its request and response schemas', async () => {
    const doc = await new Api(node.url).get('/api/openapi.json');
    assert.equal(doc.status, 200);
    assert.equal(doc.body.openapi, '3.1.0');
    const api = routesOf(node.app).filter((route) => route.documented);
    for (const route of api) {
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      const operation = doc.body.paths[path]?.[route.method.toLowerCase()];
      assert.ok(operation, `${route.method} ${path} is documented`);
      assert.ok(operation.summary, `${route.method} ${path} has a summary`);
      const success = Object.keys(operation.responses).find((code) => code.startsWith('2'));
      assert.ok(success, `${route.method} ${path} documents its success response`);
      assert.ok(Object.keys(operation.responses).some((code) => !code.startsWith('2')), `${route.method} ${path} documents its failures`);
      for (const [code, response] of Object.entries<{ content?: Record<string, { schema?: unknown }> }>(operation.responses)) {
        if (code === '204') continue;
        assert.ok(Object.values(response.content ?? {})[0]?.schema, `${route.method} ${path} has a schema for ${code}`);
      }
    }
    assert.ok(doc.body.paths['/api/v1/users'].post.requestBody.content['application/json'].schema);
  });

  test('/api/docs is a readable page listing the routes and who may call them', async () => {
    const docs = await fetch(`${node.url}/api/docs`);
    assert.equal(docs.status, 200);
    const text = await docs.text();
    assert.match(text, /<h1>API documentation<\/h1>/);
    assert.match(text, /POST \/api\/v1\/users/);
    assert.match(text, /node_admin/);
  });

  test('an unknown path is a 404 problem for programs and a page for people', async () => {
    const problem = await new Api(node.url).get('/api/v1/nothing-here');
    assert.equal(problem.status, 404);
    assert.equal(problem.headers.get('content-type'), 'application/problem+json');
    assert.deepEqual(Object.keys(problem.body).sort(), ['detail', 'instance', 'status', 'title', 'type']);
    const page = await fetch(`${node.url}/nothing-here`, { headers: { accept: 'text/html', 'accept-language': 'es' } });
    assert.equal(page.status, 404);
    assert.match(await page.text(), /Esta página no existe/);
  });

  test('an unexpected failure answers 500 with no stack trace and no SQL, and is logged on the node', async () => {
    await node.database.db.exec('ALTER TABLE users RENAME TO users_elsewhere');
    try {
      const failed = await admin.get('/api/v1/users');
      assert.equal(failed.status, 500);
      assert.equal(failed.body.detail, 'the node could not complete the request');
      assert.doesNotMatch(failed.text, /users|SELECT|relation|at .*\.ts/);
      assert.ok(node.logs.some((line) => line.includes('"level":50') && line.includes('users')));
    } finally {
      await node.database.db.exec('ALTER TABLE users_elsewhere RENAME TO users');
    }
  });

  test('responses carry protective headers', async () => {
    const response = await fetch(`${node.url}/login`);
    assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.match(response.headers.get('x-frame-options') ?? '', /SAMEORIGIN|DENY/);
  });

  test('a route that declares no access cannot be registered', async () => {
    const app = await createHttpServer({ logger: createLogger('silent', 'x'), bodyLimit: 1024, title: 't', version: '0' });
    app.get('/declared', { config: { access: PUBLIC } }, () => 'ok');
    assert.throws(() => app.get('/undeclared', () => 'ok'), /declares no access/);
    await app.close();
  });
});

describe('health when the database is gone', () => {
  test('/health answers 503', async () => {
    const node = await startTestNode();
    await node.database.db.close();
    const health = await new Api(node.url).get('/health');
    assert.equal(health.status, 503);
    assert.equal(health.body.database, 'down');
    await node.app.close();
    await node.database.dispose();
  });
});
