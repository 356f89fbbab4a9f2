import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ids, useTwin } from '../../testing/twin.js';

const twin = useTwin('maxscale');

const rel = (res: { body: { data: { relationships: Record<string, { data: { id: string }[] } | undefined> } } }, kind: string) =>
  (res.body.data.relationships[kind]?.data ?? []).map((d) => d.id);
const state = async (name: string) => (await twin.http.get(`/v1/servers/${name}`)).body.data.attributes.state as string;

const newServer = (id: string, port: number, relationships?: Record<string, unknown>) => ({
  data: { id, type: 'servers', attributes: { parameters: { address: '127.0.0.1', port } }, ...(relationships ? { relationships } : {}) },
});

describe('servers', () => {
  test('a fresh twin lists the documented servers with their states and replication', async () => {
    const res = await twin.http.get('/v1/servers');
    assert.equal(res.status, 200);
    assert.deepEqual(ids(res), ['server1', 'server2']);
    const [s1, s2] = res.body.data;
    assert.equal(s1.attributes.state, 'Master, Running');
    assert.deepEqual(s1.attributes.slaves, [3001]);
    assert.equal(s2.attributes.state, 'Slave, Running');
    assert.equal(s2.attributes.master_id, 3000);
    assert.equal(s2.attributes.replication_depth, 1);
  });

  test('a server shows the services and the monitor that use it, and names are case-insensitive', async () => {
    const res = await twin.http.get('/v1/servers/SERVER1');
    assert.equal(res.status, 200);
    assert.equal(res.body.data.id, 'server1');
    assert.deepEqual(rel(res, 'services').sort(), ['RW-Split-Router', 'Read-Connection-Router'].sort());
    assert.deepEqual(rel(res, 'monitors'), ['MariaDB-Monitor']);
  });

  test('an unknown server is a 404', async () => {
    assert.equal((await twin.http.get('/v1/servers/nope')).status, 404);
  });

  test('a created server starts Running, unmonitored, with the default protocol', async () => {
    assert.equal((await twin.http.post('/v1/servers', newServer('server3', 3003))).status, 204);
    const res = await twin.http.get('/v1/servers/server3');
    assert.equal(res.body.data.attributes.state, 'Running');
    assert.equal(res.body.data.attributes.parameters.protocol, 'MariaDBBackend');
    assert.equal(res.body.data.attributes.node_id, -1);
    assert.deepEqual(res.body.data.relationships, {});
  });

  test('a server created with relationships shows on the service and the monitor, and joins the cluster as a slave', async () => {
    const body = newServer('server4', 3002, {
      services: { data: [{ id: 'RW-Split-Router', type: 'services' }] },
      monitors: { data: [{ id: 'MariaDB-Monitor', type: 'monitors' }] },
    });
    assert.equal((await twin.http.post('/v1/servers', body)).status, 204);
    const service = await twin.http.get('/v1/services/RW-Split-Router');
    assert.deepEqual(rel(service, 'servers'), ['server1', 'server2', 'server4']);
    const monitor = await twin.http.get('/v1/monitors/MariaDB-Monitor');
    assert.deepEqual(rel(monitor, 'servers'), ['server1', 'server2', 'server4']);
    const server = await twin.http.get('/v1/servers/server4');
    assert.equal(server.body.data.attributes.state, 'Slave, Running');
    assert.equal(server.body.data.attributes.node_id, 3002);
    assert.equal(server.body.data.attributes.master_id, 3000);
    assert.deepEqual((await twin.http.get('/v1/servers/server1')).body.data.attributes.slaves, [3001, 3002]);
  });

  const refusals: [string, { body: unknown; status: number; detail: RegExp }][] = [
    ['a name in use (in any case)', { body: newServer('Server1', 4000), status: 403, detail: /already exists/ }],
    [
      'an unknown service',
      { body: newServer('x', 4000, { services: { data: [{ id: 'nope', type: 'services' }] } }), status: 403, detail: /nope/ },
    ],
    [
      'two monitors',
      {
        body: newServer('x', 4000, {
          monitors: {
            data: [
              { id: 'MariaDB-Monitor', type: 'monitors' },
              { id: 'MariaDB-Monitor', type: 'monitors' },
            ],
          },
        }),
        status: 403,
        detail: /twice/,
      },
    ],
    [
      'half the SSL options',
      {
        body: { data: { id: 'x', type: 'servers', attributes: { parameters: { address: 'a', port: 1, ssl_key: '/k' } } } },
        status: 403,
        detail: /ssl/,
      },
    ],
    [
      'an unknown protocol module',
      {
        body: { data: { id: 'x', type: 'servers', attributes: { parameters: { address: 'a', port: 1, protocol: 'nope' } } } },
        status: 403,
        detail: /module/,
      },
    ],
    [
      'no port',
      { body: { data: { id: 'x', type: 'servers', attributes: { parameters: { address: 'a' } } } }, status: 403, detail: /port/ },
    ],
    [
      'a port out of range',
      {
        body: { data: { id: 'x', type: 'servers', attributes: { parameters: { address: 'a', port: 70000 } } } },
        status: 403,
        detail: /port/,
      },
    ],
    ['whitespace in the name', { body: newServer('my server', 4000), status: 403, detail: /whitespace/ }],
  ];
  for (const [name, { body, status, detail }] of refusals) {
    test(`creating a server with ${name} answers ${status} and changes nothing`, async () => {
      const before = await twin.http.get('/v1/services');
      const res = await twin.http.post('/v1/servers', body);
      assert.equal(res.status, status);
      assert.match(res.body.errors[0].detail, detail);
      assert.deepEqual(ids(await twin.http.get('/v1/servers')), ['server1', 'server2']);
      assert.deepEqual((await twin.http.get('/v1/services')).body, before.body);
    });
  }

  test('address, port and custom weighting parameters can be changed, and a custom one removed with null', async () => {
    const patch = { data: { attributes: { parameters: { address: '10.0.0.1', port: 3306, weight: 3 } } } };
    assert.equal((await twin.http.patch('/v1/servers/server1', patch)).status, 204);
    let p = (await twin.http.get('/v1/servers/server1')).body.data.attributes.parameters;
    assert.equal(p.address, '10.0.0.1');
    assert.equal(p.port, 3306);
    assert.equal(p.weight, 3);
    assert.equal((await twin.http.patch('/v1/servers/server1', { data: { attributes: { parameters: { weight: null } } } })).status, 204);
    p = (await twin.http.get('/v1/servers/server1')).body.data.attributes.parameters;
    assert.ok(!('weight' in p));
  });

  test('a standard parameter that cannot change at runtime is refused with 403, but sending its current value is fine', async () => {
    const res = await twin.http.patch('/v1/servers/server1', { data: { attributes: { parameters: { protocol: 'other' } } } });
    assert.equal(res.status, 403);
    assert.match(res.body.errors[0].detail, /protocol/);
    const same = await twin.http.patch('/v1/servers/server1', { data: { attributes: { parameters: { protocol: 'MariaDBBackend' } } } });
    assert.equal(same.status, 204);
  });

  test('removing a service in the server’s relationships removes the server from that service (the docs’ example)', async () => {
    const body = {
      data: {
        id: 'server1',
        type: 'servers',
        relationships: {
          services: { data: [{ id: 'Read-Connection-Router', type: 'services' }] },
          monitors: { data: [{ id: 'MariaDB-Monitor', type: 'monitors' }] },
        },
      },
    };
    assert.equal((await twin.http.patch('/v1/servers/server1', body)).status, 204);
    assert.deepEqual(rel(await twin.http.get('/v1/services/RW-Split-Router'), 'servers'), ['server2']);
    assert.deepEqual(rel(await twin.http.get('/v1/servers/server1'), 'services'), ['Read-Connection-Router']);
  });

  test('PATCH relationships/services and relationships/monitors change the other side', async () => {
    assert.equal((await twin.http.post('/v1/servers', newServer('server3', 3003))).status, 204);
    const services = await twin.http.patch('/v1/servers/server3/relationships/services', {
      data: [
        { id: 'CLI', type: 'services' },
        { id: 'RW-Split-Router', type: 'services' },
      ],
    });
    assert.equal(services.status, 204);
    assert.deepEqual(rel(await twin.http.get('/v1/services/CLI'), 'servers'), ['server3']);
    assert.deepEqual(rel(await twin.http.get('/v1/services/RW-Split-Router'), 'servers'), ['server1', 'server2', 'server3']);

    const monitors = await twin.http.patch('/v1/servers/server3/relationships/monitors', {
      data: [{ id: 'MariaDB-Monitor', type: 'monitors' }],
    });
    assert.equal(monitors.status, 204);
    assert.deepEqual(rel(await twin.http.get('/v1/monitors/MariaDB-Monitor'), 'servers'), ['server1', 'server2', 'server3']);

    assert.equal((await twin.http.patch('/v1/servers/server3/relationships/services', { data: [] })).status, 204);
    assert.deepEqual(rel(await twin.http.get('/v1/services/CLI'), 'servers'), []);
    assert.equal((await twin.http.patch('/v1/servers/server3/relationships/monitors', { data: null })).status, 204);
    assert.deepEqual(rel(await twin.http.get('/v1/servers/server3'), 'monitors'), []);
  });

  test('a relationship to an unknown object or of the wrong type is refused with 403 and changes nothing', async () => {
    const before = await twin.http.get('/v1/servers/server1');
    for (const data of [[{ id: 'nope', type: 'services' }], [{ id: 'MariaDB-Monitor', type: 'monitors' }]]) {
      const res = await twin.http.patch('/v1/servers/server1/relationships/services', { data });
      assert.equal(res.status, 403);
    }
    assert.deepEqual((await twin.http.get('/v1/servers/server1')).body, before.body);
  });

  test('a server in use by a service or a monitor cannot be destroyed; once unlinked it can', async () => {
    const refused = await twin.http.delete('/v1/servers/server2');
    assert.equal(refused.status, 403);
    assert.match(refused.body.errors[0].detail, /RW-Split-Router/);
    assert.match(refused.body.errors[0].detail, /MariaDB-Monitor/);
    await twin.http.patch('/v1/servers/server2/relationships/services', { data: [] });
    assert.equal((await twin.http.delete('/v1/servers/server2')).status, 403, 'the monitor still uses it');
    await twin.http.patch('/v1/servers/server2/relationships/monitors', { data: [] });
    assert.equal((await twin.http.delete('/v1/servers/server2')).status, 204);
    assert.equal((await twin.http.get('/v1/servers/server2')).status, 404);
  });
});

describe('server state', () => {
  test('maintenance can be set and cleared on a monitored server, and shows first in the state string', async () => {
    assert.equal((await twin.http.put('/v1/servers/server1/set?state=maintenance')).status, 204);
    assert.equal(await state('server1'), 'Maintenance, Master, Running');
    assert.equal((await twin.http.put('/v1/servers/server1/clear?state=maintenance')).status, 204);
    assert.equal(await state('server1'), 'Master, Running');
  });

  const invalid: [string, string, RegExp][] = [
    ['a missing state', '/v1/servers/server1/set', /required/],
    ['an invalid state', '/v1/servers/server1/set?state=sleeping', /sleeping/],
    ['a role on a server a running monitor monitors', '/v1/servers/server2/set?state=master', /only the maintenance/],
    ['clearing running on a monitored server', '/v1/servers/server2/clear?state=running', /only the maintenance/],
  ];
  for (const [name, path, detail] of invalid) {
    test(`${name} is refused with 403 and changes nothing`, async () => {
      const res = await twin.http.put(path);
      assert.equal(res.status, 403);
      assert.match(res.body.errors[0].detail, detail);
      assert.equal(await state('server1'), 'Master, Running');
      assert.equal(await state('server2'), 'Slave, Running');
    });
  }

  test('any bit can be set on an unmonitored server: running is cleared to Down, roles and bits combine', async () => {
    await twin.http.post('/v1/servers', newServer('server3', 3003));
    const steps: [string, string][] = [
      ['set?state=master', 'Master, Running'],
      ['set?state=synced', 'Master, Synced, Running'],
      ['clear?state=running', 'Master, Synced, Down'],
      ['set?state=MAINTENANCE', 'Maintenance, Master, Synced, Down'],
      ['clear?state=master', 'Maintenance, Synced, Down'],
      ['set?state=running', 'Maintenance, Synced, Running'],
    ];
    for (const [op, want] of steps) {
      assert.equal((await twin.http.put(`/v1/servers/server3/${op}`)).status, 204, op);
      assert.equal(await state('server3'), want, op);
    }
  });

  test('a stopped monitor lets roles be set by hand, and starting it probes them back', async () => {
    assert.equal((await twin.http.put('/v1/monitors/MariaDB-Monitor/stop')).status, 204);
    assert.equal((await twin.http.put('/v1/servers/server2/set?state=master')).status, 204);
    assert.equal(await state('server2'), 'Master, Slave, Running');
    assert.equal((await twin.http.put('/v1/monitors/MariaDB-Monitor/start')).status, 204);
    assert.equal(await state('server2'), 'Slave, Running');
  });

  test('force=yes with maintenance closes the sessions of the services that use the server', async () => {
    assert.deepEqual(ids(await twin.http.get('/v1/sessions')), ['1', '2', '3', '4', '9', '10']);
    assert.equal((await twin.http.put('/v1/servers/server2/set?state=maintenance&force=yes')).status, 204);
    assert.equal(await state('server2'), 'Maintenance, Slave, Running');
    // The client sessions close; each listener's own session stays.
    assert.deepEqual(ids(await twin.http.get('/v1/sessions')), ['1', '2', '3', '4']);
    assert.equal((await twin.http.get('/v1/services/RW-Split-Router')).body.data.attributes.connections, 0);
  });

  test('maintenance without force leaves the sessions alone', async () => {
    assert.equal((await twin.http.put('/v1/servers/server2/set?state=maintenance')).status, 204);
    assert.deepEqual(ids(await twin.http.get('/v1/sessions')), ['1', '2', '3', '4', '9', '10']);
  });

  test('setting the state of an unknown server is a 404', async () => {
    assert.equal((await twin.http.put('/v1/servers/nope/set?state=maintenance')).status, 404);
  });
});
