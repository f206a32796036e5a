import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ROLES, type Role } from '../../src/identity/roles.ts';
import { openSession } from '../../src/identity/sessions.ts';
import { routesOf } from '../../src/platform/http/server.ts';
import { ADMIN, Api, type TestNode, startTestNode, userWith } from '../support/node.ts';

/** A value for each path parameter that names something real, so only access can refuse. */
function concretePath(url: string, target: string): string {
  return url.replace(':id', target).replace(':role', 'analyst').replace(':locale', 'fr');
}

describe('least privilege: every route refuses every role it does not declare', () => {
  let node: TestNode;
  const holders = new Map<Role, string>();
  let target = '';

  before(async () => {
    node = await startTestNode();
    const admin = await new Api(node.url).login(ADMIN.username, ADMIN.password);
    for (const role of ROLES) {
      const user = await userWith(admin, `holder-${role.replaceAll('_', '-')}`, [role]);
      holders.set(role, (await user.get('/api/v1/me')).body.id);
    }
    target = (await admin.post('/api/v1/users', { username: 'target', displayName: 'Target', password: 'target passphrase', roles: ['analyst'] })).body.user.id;
  });
  after(() => node.close());

  test('the route table is complete: each route declares public access or a non-empty list of roles', () => {
    const routes = routesOf(node.app);
    assert.ok(routes.length >= 20, `expected the node's routes, found ${routes.length}`);
    for (const route of routes) {
      if ('roles' in route.access) assert.ok(route.access.roles.length > 0, `${route.method} ${route.url}`);
    }
  });

  test('each role is let through exactly the routes that name it, and gets 403 elsewhere', async () => {
    const checked: string[] = [];
    for (const route of routesOf(node.app)) {
      for (const role of ROLES) {
        // A fresh session for every call: some routes (sign-out) end the one they are called with.
        const { token } = await openSession(node.database.db, holders.get(role)!, 'bearer', 1);
        const api = new Api(node.url, token);
        const body = route.method === 'POST' || route.method === 'PUT' ? {} : undefined;
        const response = await api.call(route.method, concretePath(route.url, target), body);
        const allowed = !('roles' in route.access) || route.access.roles.includes(role);
        const what = `${role} → ${route.method} ${route.url}: ${response.status} ${response.text.slice(0, 120)}`;
        if (allowed) {
          assert.ok(response.status !== 401 && response.status !== 403, `allowed but refused: ${what}`);
        } else {
          assert.equal(response.status, 403, `not allowed but not refused: ${what}`);
          if (!route.page) assert.equal(response.body.type, '/problems/forbidden', what);
        }
        checked.push(what);
      }
    }
    assert.ok(checked.length >= ROLES.length * 20);
  });

  test('without signing in, staff routes answer 401 (API) or send to the sign-in page (pages)', async () => {
    const anonymous = new Api(node.url);
    for (const route of routesOf(node.app)) {
      if (!('roles' in route.access)) continue;
      const response = await anonymous.call(route.method, concretePath(route.url, target), route.method === 'GET' ? undefined : {});
      if (route.page && route.method === 'GET') {
        assert.equal(response.status, 303, `${route.method} ${route.url}`);
        assert.match(response.headers.get('location') ?? '', /^\/login\?next=/);
      } else {
        assert.equal(response.status, 401, `${route.method} ${route.url}`);
      }
    }
  });

  test('each refusal leaves an audit record naming who tried what', async () => {
    const { rows } = await node.database.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'access.denied' AND outcome = 'refused'",
    );
    assert.ok(rows[0]!.n > 50);
  });
});
