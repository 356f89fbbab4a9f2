import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ids, useTwin } from '../../testing/twin.js';

const twin = useTwin('maxscale');

const newFilter = (id: string, module: string, parameters?: Record<string, unknown>) => ({
  data: { id, type: 'filters', attributes: { module, ...(parameters ? { parameters } : {}) } },
});
const newUser = (id: string, account: string, password = 'secret') => ({ data: { id, type: 'inet', attributes: { password, account } } });

describe('filters', () => {
  test('a fresh twin lists the documented filters; Hint-Filter is used by no service', async () => {
    assert.deepEqual(ids(await twin.http.get('/v1/filters')), ['Hint-Filter', 'QLA', 'Database-Firewall']);
    const hint = await twin.http.get('/v1/filters/Hint-Filter');
    assert.deepEqual(hint.body.data.relationships.services.data, []);
    assert.deepEqual(hint.body.data.attributes, { module: 'hintfilter', parameters: {} });
  });

  test('a created filter has its module’s defaults and shows the services that use it', async () => {
    assert.equal((await twin.http.post('/v1/filters', newFilter('test-filter', 'qlafilter', { filebase: '/tmp/qla.log' }))).status, 204);
    const p = (await twin.http.get('/v1/filters/test-filter')).body.data.attributes.parameters;
    assert.equal(p.filebase, '/tmp/qla.log');
    assert.equal(p.log_type, 'session');
    assert.equal(p.append, false);
    await twin.http.patch('/v1/services/RW-Split-Router/relationships/filters', { data: [{ id: 'test-filter', type: 'filters' }] });
    const f = await twin.http.get('/v1/filters/test-filter');
    assert.deepEqual(f.body.data.relationships.services.data, [{ id: 'RW-Split-Router', type: 'services' }]);
  });

  const refusals: [string, { body: unknown; status: number; detail: RegExp }][] = [
    ['a name in use', { body: newFilter('QLA', 'hintfilter'), status: 403, detail: /already exists/ }],
    ['an unknown module', { body: newFilter('f', 'nofilter'), status: 403, detail: /nofilter/ }],
    ['a router module', { body: newFilter('f', 'readconnroute'), status: 403, detail: /Router/ }],
    ['a missing mandatory parameter', { body: newFilter('f', 'qlafilter'), status: 403, detail: /filebase/ }],
    ['an unknown parameter', { body: newFilter('f', 'hintfilter', { colour: 'red' }), status: 403, detail: /colour/ }],
    [
      'a bad enum value',
      { body: newFilter('f', 'qlafilter', { filebase: '/tmp/q', log_type: 'sometimes' }), status: 403, detail: /log_type/ },
    ],
    [
      'a dbfwfilter rule file that does not exist',
      { body: newFilter('f', 'dbfwfilter', { rules: '/no/such/rules' }), status: 403, detail: /rule file/ },
    ],
    [
      'a relationship to an unknown service',
      {
        body: {
          data: {
            id: 'f',
            type: 'filters',
            attributes: { module: 'hintfilter' },
            relationships: { services: { data: [{ id: 'nope', type: 'services' }] } },
          },
        },
        status: 403,
        detail: /nope/,
      },
    ],
    [
      'a service relationship of the wrong type',
      {
        body: {
          data: {
            id: 'f',
            type: 'filters',
            attributes: { module: 'hintfilter' },
            relationships: { services: { data: [{ id: 'server1', type: 'servers' }] } },
          },
        },
        status: 403,
        detail: /server1/,
      },
    ],
  ];
  for (const [name, { body, status, detail }] of refusals) {
    test(`creating a filter with ${name} answers ${status} and changes nothing`, async () => {
      const res = await twin.http.post('/v1/filters', body);
      assert.equal(res.status, status);
      assert.match(res.body.errors[0].detail, detail);
      assert.deepEqual(ids(await twin.http.get('/v1/filters')), ['Hint-Filter', 'QLA', 'Database-Firewall']);
    });
  }

  test('a filter created with relationships.services is used by those services, and both sides show it', async () => {
    const body = newFilter('f', 'hintfilter') as { data: Record<string, unknown> };
    const res = await twin.http.post('/v1/filters', {
      data: { ...body.data, relationships: { services: { data: [{ id: 'RW-Split-Router', type: 'services' }] } } },
    });
    assert.equal(res.status, 204);
    const filter = await twin.http.get('/v1/filters/f');
    assert.deepEqual(filter.body.data.relationships.services.data, [{ id: 'RW-Split-Router', type: 'services' }]);
    const service = await twin.http.get('/v1/services/RW-Split-Router');
    assert.deepEqual(service.body.data.relationships.filters.data.at(-1), { id: 'f', type: 'filters' });
  });

  test('the document a GET answered, posted back under a new name, creates the same filter', async () => {
    const got = (await twin.http.get('/v1/filters/QLA')).body;
    const res = await twin.http.post('/v1/filters', { ...got, data: { ...got.data, id: 'QLA-copy' } });
    assert.equal(res.status, 204);
    const copy = (await twin.http.get('/v1/filters/QLA-copy')).body.data;
    assert.equal(copy.attributes.module, got.data.attributes.module);
    // The module's defaults fill in what the documented filter does not set.
    for (const [key, value] of Object.entries(got.data.attributes.parameters))
      assert.deepEqual(copy.attributes.parameters[key], value, key);
  });

  test('a POST without data.type is accepted', async () => {
    const res = await twin.http.post('/v1/filters', { data: { id: 'typeless', attributes: { module: 'hintfilter' } } });
    assert.equal(res.status, 204);
    assert.equal((await twin.http.get('/v1/filters/typeless')).status, 200);
  });

  test('a dbfwfilter is created from a readable rule file', async () => {
    const res = await twin.http.post('/v1/filters', newFilter('fw', 'dbfwfilter', { rules: 'dbfw-rules.txt', action: 'allow' }));
    assert.equal(res.status, 204);
    const rules = await twin.http.get('/v1/maxscale/modules/dbfwfilter/rules?fw');
    assert.deepEqual(rules.body.meta, [{ name: 'test3', type: 'COLUMN', times_matched: 0 }]);
  });

  test('a filter used by a service cannot be destroyed; an unused one can', async () => {
    await twin.http.patch('/v1/services/RW-Split-Router/relationships/filters', { data: [{ id: 'QLA', type: 'filters' }] });
    const refused = await twin.http.delete('/v1/filters/QLA');
    assert.equal(refused.status, 403);
    assert.match(refused.body.errors[0].detail, /RW-Split-Router/);
    assert.equal((await twin.http.delete('/v1/filters/Hint-Filter')).status, 204);
    assert.equal((await twin.http.get('/v1/filters/Hint-Filter')).status, 404);
    assert.equal((await twin.http.delete('/v1/filters/Hint-Filter')).status, 404);
  });
});

describe('users', () => {
  test('the documented users are listed, network users first, and no password is ever shown', async () => {
    const all = await twin.http.get('/v1/users');
    assert.deepEqual(
      all.body.data.map((u: { id: string; type: string }) => `${u.type}:${u.id}`),
      ['inet:admin', 'inet:my-user', 'unix:maxscale'],
    );
    assert.ok(!all.text.includes('password'));
    assert.ok(!all.text.includes('mariadb'));
    assert.deepEqual(ids(await twin.http.get('/v1/users/inet')), ['admin', 'my-user']);
    assert.deepEqual(ids(await twin.http.get('/v1/users/unix')), ['maxscale']);
    const one = await twin.http.get('/v1/users/inet/my-user');
    assert.deepEqual(one.body.data, {
      id: 'my-user',
      type: 'inet',
      attributes: { account: 'admin' },
      relationships: { self: 'http://localhost:8989/v1/users/inet/my-user' },
    });
  });

  test('a created network user can authenticate; a basic one may read but every write is 401 with WWW-Authenticate', async () => {
    assert.equal((await twin.http.post('/v1/users/inet', newUser('reader', 'basic', 'pw'))).status, 204);
    const auth: [string, string] = ['reader', 'pw'];
    assert.equal((await twin.http.get('/v1/servers', { auth })).status, 200);
    const writes: [string, string, unknown?][] = [
      ['POST', '/v1/servers', { data: { id: 's9', type: 'servers', attributes: { parameters: { address: 'a', port: 1 } } } }],
      ['PATCH', '/v1/servers/server1', { data: { attributes: { parameters: { port: 1 } } } }],
      ['DELETE', '/v1/filters/Hint-Filter'],
      ['PUT', '/v1/monitors/MariaDB-Monitor/stop'],
      ['POST', '/v1/users/inet', newUser('x', 'admin')],
      ['POST', '/v1/maxscale/modules/mariadbmon/switchover?MariaDB-Monitor'],
    ];
    for (const [method, path, body] of writes) {
      const res = await twin.http.request(method, path, { auth, ...(body ? { body } : {}) });
      assert.equal(res.status, 401, `${method} ${path}`);
      assert.equal(res.headers['www-authenticate'], 'Basic realm="maxscale"', `${method} ${path}`);
    }
    assert.equal((await twin.http.get('/v1/filters/Hint-Filter')).status, 200);
    assert.equal((await twin.http.get('/v1/servers', { auth: ['reader', 'wrong'] })).status, 401);
  });

  test('a created admin user may write', async () => {
    await twin.http.post('/v1/users/inet', newUser('boss', 'admin', 'pw'));
    assert.equal((await twin.http.put('/v1/monitors/MariaDB-Monitor/stop', undefined, { auth: ['boss', 'pw'] })).status, 204);
  });

  test('a deleted user can no longer authenticate', async () => {
    assert.equal((await twin.http.get('/v1/servers', { auth: ['my-user', 'my-password'] })).status, 200);
    assert.equal((await twin.http.delete('/v1/users/inet/my-user')).status, 204);
    assert.equal((await twin.http.get('/v1/servers', { auth: ['my-user', 'my-password'] })).status, 401);
    assert.equal((await twin.http.get('/v1/users/inet/my-user')).status, 404);
  });

  test('the last admin cannot be deleted, whoever asks', async () => {
    assert.equal((await twin.http.delete('/v1/users/inet/my-user')).status, 204);
    await twin.http.post('/v1/users/inet', newUser('reader', 'basic'));
    const res = await twin.http.delete('/v1/users/inet/admin');
    assert.equal(res.status, 403);
    assert.match(res.body.errors[0].detail, /last/);
    assert.equal((await twin.http.get('/v1/users/inet/admin')).status, 200);
  });

  const bad: [string, unknown, number][] = [
    ['a name in use', newUser('my-user', 'basic'), 403],
    ['no password', { data: { id: 'x', type: 'inet', attributes: { account: 'basic' } } }, 403],
    ['an unknown account type', newUser('x', 'root'), 403],
    ['the unix type', { data: { id: 'x', type: 'unix', attributes: { password: 'p', account: 'basic' } } }, 403],
  ];
  test('the document a GET answered, with a password added, creates a network user', async () => {
    const got = (await twin.http.get('/v1/users/inet/my-user')).body;
    const body = { ...got, data: { ...got.data, id: 'copy', attributes: { ...got.data.attributes, password: 'pw' } } };
    assert.equal((await twin.http.post('/v1/users/inet', body)).status, 204);
    assert.equal((await twin.http.get('/v1/servers', { auth: ['copy', 'pw'] })).status, 200);
  });

  for (const [name, body, status] of bad) {
    test(`creating a network user with ${name} answers ${status}`, async () => {
      assert.equal((await twin.http.post('/v1/users/inet', body)).status, status);
      assert.deepEqual(ids(await twin.http.get('/v1/users/inet')), ['admin', 'my-user']);
    });
  }

  test('UNIX accounts are enabled and disabled', async () => {
    const body = { data: { id: 'jdoe', type: 'unix', attributes: { account: 'basic' } } };
    assert.equal((await twin.http.post('/v1/users/unix', body)).status, 204);
    assert.equal((await twin.http.get('/v1/users/unix/jdoe')).body.data.attributes.account, 'basic');
    assert.equal((await twin.http.post('/v1/users/unix', body)).status, 403, 'already enabled');
    assert.equal((await twin.http.get('/v1/servers', { auth: ['jdoe', ''] })).status, 401, 'UNIX accounts do not log in over HTTP');
    assert.equal((await twin.http.delete('/v1/users/unix/jdoe')).status, 204);
    assert.equal((await twin.http.get('/v1/users/unix/jdoe')).status, 404);
    assert.equal((await twin.http.delete('/v1/users/unix/jdoe')).status, 404);
  });
});
