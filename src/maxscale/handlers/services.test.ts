import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ids, useTwin } from '../../testing/twin.js';

const twin = useTwin('maxscale');

const newService = (id: string, extra: Record<string, unknown> = {}) => ({
  data: {
    id,
    type: 'services',
    attributes: { router: 'readwritesplit', parameters: { user: 'maxuser', password: 'maxpwd' } },
    ...extra,
  },
});

describe('services', () => {
  test('a fresh twin lists the documented services, with versioned and unversioned paths alike', async () => {
    const v1 = await twin.http.get('/v1/services');
    assert.equal(v1.status, 200);
    assert.deepEqual(ids(v1), ['Read-Connection-Router', 'CLI', 'RW-Split-Router']);
    const bare = await twin.http.get('/services');
    assert.deepEqual(bare.body, v1.body);
  });

  test('a service is returned with its listeners and server relationship as the docs show', async () => {
    const res = await twin.http.get('/v1/services/Read-Connection-Router');
    assert.equal(res.status, 200);
    assert.equal(res.body.links.self, 'http://localhost:8989/v1/services/Read-Connection-Router');
    assert.equal(res.body.data.attributes.router, 'readconnroute');
    assert.deepEqual(
      res.body.data.attributes.listeners.map((l: { id: string }) => l.id),
      ['Read-Connection-Listener'],
    );
    assert.deepEqual(res.body.data.relationships.servers.data, [{ id: 'server1', type: 'servers' }]);
  });

  test('service names are case-insensitive', async () => {
    const res = await twin.http.get('/v1/services/read-connection-router');
    assert.equal(res.status, 200);
    assert.equal(res.body.data.id, 'Read-Connection-Router');
  });

  test('an unknown service is a 404 in the MaxScale error document', async () => {
    const res = await twin.http.get('/v1/services/no-such-service');
    assert.equal(res.status, 404);
    assert.match(res.body.errors[0].detail, /no-such-service/);
  });

  test('pretty=false gives compact output and the default is pretty-printed', async () => {
    const compact = await twin.http.get('/v1/services?pretty=false');
    assert.ok(!compact.text.includes('\n'));
    const pretty = await twin.http.get('/v1/services');
    assert.ok(pretty.text.includes('\n    '));
  });

  test('a created service can be read, patched, related, stopped, started, emptied and deleted, then is gone', async () => {
    const created = await twin.http.post(
      '/v1/services',
      newService('my-service', { relationships: { servers: { data: [{ id: 'server1', type: 'servers' }] } } }),
    );
    assert.equal(created.status, 204);

    const read = await twin.http.get('/v1/services/my-service');
    assert.equal(read.status, 200);
    assert.equal(read.body.data.attributes.state, 'Started');
    assert.equal(read.body.data.attributes.parameters.user, 'maxuser');
    assert.deepEqual(read.body.data.relationships.servers.data, [{ id: 'server1', type: 'servers' }]);
    assert.ok(ids(await twin.http.get('/v1/services')).includes('my-service'));

    assert.equal(
      (await twin.http.patch('/v1/services/my-service', { data: { attributes: { parameters: { user: 'admin' } } } })).status,
      204,
    );
    assert.equal((await twin.http.get('/v1/services/my-service')).body.data.attributes.parameters.user, 'admin');

    const rel = await twin.http.patch('/v1/services/my-service/relationships/filters', { data: [{ id: 'QLA', type: 'filters' }] });
    assert.equal(rel.status, 204);
    assert.deepEqual((await twin.http.get('/v1/services/my-service')).body.data.relationships.filters.data, [
      { id: 'QLA', type: 'filters' },
    ]);

    assert.equal((await twin.http.put('/v1/services/my-service/stop')).status, 204);
    assert.equal((await twin.http.get('/v1/services/my-service')).body.data.attributes.state, 'Stopped');
    assert.equal((await twin.http.put('/v1/services/my-service/start')).status, 204);
    assert.equal((await twin.http.get('/v1/services/my-service')).body.data.attributes.state, 'Started');

    const refused = await twin.http.delete('/v1/services/my-service');
    assert.equal(refused.status, 403, 'a service that still uses servers and filters cannot be destroyed');

    assert.equal((await twin.http.patch('/v1/services/my-service/relationships/servers', { data: [] })).status, 204);
    assert.equal((await twin.http.patch('/v1/services/my-service/relationships/filters', { data: null })).status, 204);
    assert.equal((await twin.http.delete('/v1/services/my-service')).status, 204);
    assert.equal((await twin.http.get('/v1/services/my-service')).status, 404);
    assert.ok(!ids(await twin.http.get('/v1/services')).includes('my-service'));
  });

  test('a service with listeners cannot be destroyed, and stays', async () => {
    const res = await twin.http.delete('/v1/services/CLI');
    assert.equal(res.status, 403);
    assert.match(res.body.errors[0].detail, /listeners/);
    assert.equal((await twin.http.get('/v1/services/CLI')).status, 200);
  });

  test('creating a service whose name is taken is refused with 403', async () => {
    const res = await twin.http.post('/v1/services', newService('cli'));
    assert.equal(res.status, 403);
  });

  test('a relationship to an unknown server is refused with 403 and changes nothing', async () => {
    const before = await twin.http.get('/v1/services/RW-Split-Router');
    const res = await twin.http.patch('/v1/services/RW-Split-Router/relationships/servers', {
      data: [
        { id: 'server1', type: 'servers' },
        { id: 'no-such-server', type: 'servers' },
      ],
    });
    assert.equal(res.status, 403);
    assert.deepEqual((await twin.http.get('/v1/services/RW-Split-Router')).body, before.body);
  });

  test('listeners can be listed, created, read and destroyed', async () => {
    const list = await twin.http.get('/v1/services/RW-Split-Router/listeners');
    assert.deepEqual(ids(list), ['RW-Split-Listener']);
    const one = await twin.http.get('/v1/services/RW-Split-Router/listeners/RW-Split-Listener');
    assert.equal(one.body.data.attributes.parameters.port, 4006);

    const created = await twin.http.post('/v1/services/RW-Split-Router/listeners', {
      data: { id: 'my-listener', type: 'listeners', attributes: { parameters: { port: 3306 } } },
    });
    assert.equal(created.status, 204);
    assert.deepEqual(ids(await twin.http.get('/v1/services/RW-Split-Router/listeners')), ['RW-Split-Listener', 'my-listener']);
    const service = await twin.http.get('/v1/services/RW-Split-Router');
    assert.ok(service.body.data.attributes.listeners.some((l: { id: string }) => l.id === 'my-listener'));

    assert.equal((await twin.http.delete('/v1/services/RW-Split-Router/listeners/my-listener')).status, 204);
    assert.equal((await twin.http.get('/v1/services/RW-Split-Router/listeners/my-listener')).status, 404);
  });

  test('a listener on a port already in use is refused with 403', async () => {
    const res = await twin.http.post('/v1/services/CLI/listeners', {
      data: { id: 'clash', type: 'listeners', attributes: { parameters: { port: 4006 } } },
    });
    assert.equal(res.status, 403);
    assert.equal((await twin.http.get('/v1/services/CLI/listeners/clash')).status, 404);
  });

  test('a listener with only part of the SSL options is refused with 403', async () => {
    const res = await twin.http.post('/v1/services/CLI/listeners', {
      data: { id: 'half-ssl', type: 'listeners', attributes: { parameters: { port: 4444, ssl_key: '/k.pem' } } },
    });
    assert.equal(res.status, 403);
  });

  test('deleting another service’s listener through this service is refused with 403', async () => {
    const res = await twin.http.delete('/v1/services/CLI/listeners/RW-Split-Listener');
    assert.equal(res.status, 403);
    assert.equal((await twin.http.get('/v1/services/RW-Split-Router/listeners/RW-Split-Listener')).status, 200);
  });

  test('X-HTTP-Method-Override turns a PUT into the named method', async () => {
    const res = await twin.http.request('PUT', '/v1/services/CLI', { headers: { 'X-HTTP-Method-Override': 'GET' }, unchecked: true });
    assert.equal(res.status, 200);
    assert.equal(res.body.data.id, 'CLI');
  });
});

// MaxScale's statuses: JSON it cannot read is a 400; a well-formed document it refuses, schema failures
// included, is a 403 with the errors document, as its runtime answers every refusal.
describe('bad input gets a JSON 4xx and changes nothing', () => {
  const cases: [string, { body?: unknown; contentType?: string; status: number }][] = [
    ['malformed JSON', { body: '{"data": {', status: 400 }],
    ['a bare JSON string, which is no document', { body: '"services"', status: 400 }],
    ['a body that is not an object', { body: '[1, 2]', status: 403 }],
    ['a missing data member', { body: {}, status: 403 }],
    [
      'a wrong type for the router',
      { body: { data: { id: 'bad', type: 'services', attributes: { router: 7, parameters: { user: 'u', password: 'p' } } } }, status: 403 },
    ],
    [
      'an unknown parameter',
      {
        body: {
          data: {
            id: 'bad',
            type: 'services',
            attributes: { router: 'readconnroute', parameters: { user: 'u', password: 'p', colour: 'red' } },
          },
        },
        status: 403,
      },
    ],
    [
      'a wrong resource type',
      {
        body: { data: { id: 'bad', type: 'servers', attributes: { router: 'readconnroute', parameters: { user: 'u', password: 'p' } } } },
        status: 403,
      },
    ],
    [
      'missing required parameters',
      { body: { data: { id: 'bad', type: 'services', attributes: { router: 'readconnroute', parameters: {} } } }, status: 403 },
    ],
    ['no body at all', { status: 403 }],
    ['a text/plain body', { body: 'id=bad', contentType: 'text/plain', status: 415 }],
    [
      'a reserved parameter name',
      {
        body: {
          data: {
            id: 'bad',
            type: 'services',
            attributes: { router: 'readconnroute', parameters: { user: 'u', password: 'p', servers: 'server1' } },
          },
        },
        status: 403,
      },
    ],
  ];
  for (const [name, { body, contentType, status }] of cases) {
    test(`creating a service with ${name} answers ${status}`, async () => {
      const before = await twin.http.get('/v1/services');
      const res = await twin.http.request('POST', '/v1/services', { body, ...(contentType ? { contentType } : {}) });
      assert.equal(res.status, status);
      assert.match(res.headers['content-type'] ?? '', /^application\/json/);
      assert.equal(typeof res.body.errors[0].detail, 'string');
      assert.deepEqual((await twin.http.get('/v1/services')).body, before.body);
    });
  }

  test('an invalid application/vnd.api+json body is refused with 403 (openapi-backend #373)', async () => {
    const res = await twin.http.post(
      '/v1/services',
      { data: { id: 'bad', type: 'services' } },
      { contentType: 'application/vnd.api+json' },
    );
    assert.equal(res.status, 403);
    assert.match(res.body.errors[0].detail, /attributes/);
    assert.equal((await twin.http.get('/v1/services/bad')).status, 404);
  });

  test('no body where one is needed is a 403 Missing request body', async () => {
    const res = await twin.http.request('PATCH', '/v1/services/CLI', {});
    assert.equal(res.status, 403);
    assert.equal(res.body.errors[0].detail, 'Missing request body');
  });

  test('a valid application/vnd.api+json body is accepted', async () => {
    const res = await twin.http.post('/v1/services', newService('jsonapi-service'), { contentType: 'application/vnd.api+json' });
    assert.equal(res.status, 204);
    assert.equal((await twin.http.get('/v1/services/jsonapi-service')).status, 200);
  });
});
