import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useTwin } from '../testing/twin.js';

const twin = useTwin('maxscale');

describe('authentication', () => {
  const cases: [string, [string, string] | null][] = [
    ['no credentials', null],
    ['a wrong password', ['admin', 'wrong']],
    ['an unknown user', ['nobody', 'mariadb']],
  ];
  for (const [name, auth] of cases) {
    test(`a request with ${name} gets 401 with WWW-Authenticate: Basic`, async () => {
      const res = await twin.http.get('/v1/services', { auth });
      assert.equal(res.status, 401);
      assert.match(res.headers['www-authenticate'] ?? '', /^Basic/);
      assert.equal(typeof res.body.errors[0].detail, 'string');
    });
  }

  test('a write without credentials is refused before it changes anything', async () => {
    const res = await twin.http.delete('/v1/services/CLI', { auth: null });
    assert.equal(res.status, 401);
    assert.equal((await twin.http.get('/v1/services/CLI')).status, 200);
  });

  test('an unknown path without credentials is a 401, as MaxScale checks credentials first', async () => {
    const res = await twin.http.get('/v1/no-such-thing', { auth: null, unchecked: true });
    assert.equal(res.status, 401);
  });
});

describe('routing', () => {
  test('an unknown path is a 404 in the MaxScale error document', async () => {
    const res = await twin.http.get('/v1/no-such-thing', { unchecked: true });
    assert.equal(res.status, 404);
    assert.match(res.headers['content-type'] ?? '', /^application\/json/);
    assert.match(res.body.errors[0].detail, /no-such-thing/);
  });

  test('a method the resource does not support is a 405 with Allow', async () => {
    const res = await twin.http.request('PUT', '/v1/sessions', { unchecked: true });
    assert.equal(res.status, 405);
    assert.equal(res.headers.allow, 'GET');
    assert.ok(res.body.errors[0].detail);
  });

  test('a trailing slash names the same resource', async () => {
    const res = await twin.http.get('/v1/services/', { unchecked: true });
    assert.equal(res.status, 200);
    assert.equal(res.body.data.length, 3);
  });
});

describe('sessions', () => {
  test('a fresh twin lists each listener’s session, then the documented client sessions of RW-Split-Router', async () => {
    const res = await twin.http.get('/v1/sessions');
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.data.map((s: { id: string }) => s.id),
      ['1', '2', '3', '4', '9', '10'],
    );
    assert.deepEqual(res.body.data[4].relationships.services.data, [{ id: 'RW-Split-Router', type: 'services' }]);
  });

  test('a session is returned by its id, unversioned path too', async () => {
    const res = await twin.http.get('/sessions/9');
    assert.equal(res.status, 200);
    assert.equal(res.body.data.attributes.user, 'maxuser');
    assert.equal(res.body.links.self, 'http://localhost:8989/v1/sessions/9');
  });

  test('an unknown session is a 404', async () => {
    const res = await twin.http.get('/v1/sessions/12345');
    assert.equal(res.status, 404);
  });
});

describe('response validation', () => {
  test('a handler answer that breaks the spec becomes a 500 that names the problem, not a silent lie', async () => {
    // Corrupt a stored service so that rendering it breaks the schema (state is not a documented enum value).
    const service = twin.apps.maxscaleModel.services.get('CLI');
    assert.ok(service);
    twin.apps.maxscaleModel.services.put('CLI', { ...service, state: 'Exploded' as 'Started' });
    const res = await twin.http.get('/v1/services/CLI', { unchecked: true });
    assert.equal(res.status, 500);
    assert.match(res.body.errors[0].detail, /does not match the spec/);
  });
});
