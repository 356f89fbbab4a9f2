import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ids, useTwin } from '../../testing/twin.js';

const twin = useTwin('maxscale');

const servers = async (monitor: string) =>
  ((await twin.http.get(`/v1/monitors/${monitor}`)).body.data.relationships.servers?.data ?? []).map((d: { id: string }) => d.id);
const state = async (name: string) => (await twin.http.get(`/v1/servers/${name}`)).body.data.attributes.state as string;

const newMonitor = (id: string, extra: { module?: string; parameters?: Record<string, unknown>; servers?: string[] } = {}) => ({
  data: {
    id,
    type: 'monitors',
    attributes: { module: extra.module ?? 'mariadbmon', parameters: { user: 'maxuser', password: 'maxpwd', ...extra.parameters } },
    ...(extra.servers ? { relationships: { servers: { data: extra.servers.map((s) => ({ id: s, type: 'servers' })) } } } : {}),
  },
});

const newServer = (id: string, port: number) => ({
  data: { id, type: 'servers', attributes: { parameters: { address: '127.0.0.1', port } } },
});

describe('monitors', () => {
  test('a fresh twin has the documented monitor, running, with its servers and diagnostics', async () => {
    const res = await twin.http.get('/v1/monitors');
    assert.deepEqual(ids(res), ['MariaDB-Monitor']);
    const m = (await twin.http.get('/v1/monitors/MariaDB-Monitor')).body.data;
    assert.equal(m.attributes.module, 'mariadbmon');
    assert.equal(m.attributes.state, 'Running');
    assert.equal(m.attributes.parameters.monitor_interval, 10000);
    assert.deepEqual(
      m.attributes.monitor_diagnostics.server_info.map((s: { name: string; server_id: number; master_id: number }) => [
        s.name,
        s.server_id,
        s.master_id,
      ]),
      [
        ['server1', 3000, -1],
        ['server2', 3001, 3000],
      ],
    );
  });

  test('monitor names are case-sensitive', async () => {
    assert.equal((await twin.http.get('/v1/monitors/mariadb-monitor')).status, 404);
  });

  test('a created monitor is running, has the module’s defaults, and takes its servers into the cluster', async () => {
    await twin.http.post('/v1/servers', newServer('a', 4001));
    await twin.http.post('/v1/servers', newServer('b', 4002));
    const res = await twin.http.post(
      '/v1/monitors',
      newMonitor('test-monitor', { parameters: { monitor_interval: 1000 }, servers: ['a', 'b'] }),
    );
    assert.equal(res.status, 204);
    const m = (await twin.http.get('/v1/monitors/test-monitor')).body.data;
    assert.equal(m.attributes.state, 'Running');
    assert.equal(m.attributes.parameters.monitor_interval, 1000);
    assert.equal(m.attributes.parameters.backend_connect_timeout, 3);
    assert.equal(m.attributes.parameters.auto_failover, false);
    assert.equal(await state('a'), 'Master, Running');
    assert.equal(await state('b'), 'Slave, Running');
    assert.deepEqual((await twin.http.get('/v1/servers/a')).body.data.relationships.monitors.data, [
      { id: 'test-monitor', type: 'monitors' },
    ]);
  });

  const refusals: [string, { body: unknown; status: number; detail: RegExp }][] = [
    ['a name in use', { body: newMonitor('MariaDB-Monitor'), status: 403, detail: /already exists/ }],
    ['an unknown module', { body: newMonitor('m', { module: 'nomon' }), status: 403, detail: /nomon/ }],
    ['a module that is not a monitor', { body: newMonitor('m', { module: 'readwritesplit' }), status: 403, detail: /Router/ }],
    ['an unknown parameter', { body: newMonitor('m', { parameters: { colour: 'red' } }), status: 403, detail: /colour/ }],
    ['a bad parameter value', { body: newMonitor('m', { parameters: { auto_failover: 'maybe' } }), status: 403, detail: /auto_failover/ }],
    ['a server another monitor monitors', { body: newMonitor('m', { servers: ['server1'] }), status: 403, detail: /already monitored/ }],
    ['an unknown server', { body: newMonitor('m', { servers: ['nope'] }), status: 403, detail: /nope/ }],
    [
      'no password',
      {
        body: { data: { id: 'm', type: 'monitors', attributes: { module: 'mariadbmon', parameters: { user: 'u' } } } },
        status: 403,
        detail: /password/,
      },
    ],
  ];
  for (const [name, { body, status, detail }] of refusals) {
    test(`creating a monitor with ${name} answers ${status} and changes nothing`, async () => {
      const res = await twin.http.post('/v1/monitors', body);
      assert.equal(res.status, status);
      assert.match(res.body.errors[0].detail, detail);
      assert.deepEqual(ids(await twin.http.get('/v1/monitors')), ['MariaDB-Monitor']);
    });
  }

  test('parameters can be patched, later GETs show them, and unknown ones are refused', async () => {
    assert.equal(
      (await twin.http.patch('/v1/monitors/MariaDB-Monitor', { data: { attributes: { parameters: { monitor_interval: 2000 } } } })).status,
      204,
    );
    assert.equal((await twin.http.get('/v1/monitors/MariaDB-Monitor')).body.data.attributes.parameters.monitor_interval, 2000);
    const res = await twin.http.patch('/v1/monitors/MariaDB-Monitor', { data: { attributes: { parameters: { colour: 'red' } } } });
    assert.equal(res.status, 403);
    const typed = await twin.http.patch('/v1/monitors/MariaDB-Monitor', {
      data: { attributes: { parameters: { monitor_interval: 'soon' } } },
    });
    assert.equal(typed.status, 403);
  });

  test('relationships/servers replaces the monitored servers and shows on the servers', async () => {
    assert.equal(
      (await twin.http.patch('/v1/monitors/MariaDB-Monitor/relationships/servers', { data: [{ id: 'server1', type: 'servers' }] })).status,
      204,
    );
    assert.deepEqual(await servers('MariaDB-Monitor'), ['server1']);
    assert.deepEqual((await twin.http.get('/v1/servers/server2')).body.data.relationships.monitors, undefined);
    const viaPatch = await twin.http.patch('/v1/monitors/MariaDB-Monitor', {
      data: {
        relationships: {
          servers: {
            data: [
              { id: 'server1', type: 'servers' },
              { id: 'server2', type: 'servers' },
            ],
          },
        },
      },
    });
    assert.equal(viaPatch.status, 204);
    assert.deepEqual(await servers('MariaDB-Monitor'), ['server1', 'server2']);
  });

  test('a server cannot be taken by a second monitor', async () => {
    assert.equal((await twin.http.post('/v1/monitors', newMonitor('second'))).status, 204);
    const res = await twin.http.patch('/v1/monitors/second/relationships/servers', { data: [{ id: 'server2', type: 'servers' }] });
    assert.equal(res.status, 403);
    assert.match(res.body.errors[0].detail, /MariaDB-Monitor/);
    assert.deepEqual(await servers('second'), []);
  });

  test('moving a server to another monitor from the server side is allowed', async () => {
    await twin.http.post('/v1/monitors', newMonitor('second'));
    assert.equal(
      (await twin.http.patch('/v1/servers/server2/relationships/monitors', { data: [{ id: 'second', type: 'monitors' }] })).status,
      204,
    );
    assert.deepEqual(await servers('MariaDB-Monitor'), ['server1']);
    assert.deepEqual(await servers('second'), ['server2']);
  });

  test('a monitor with servers cannot be destroyed; once emptied it can', async () => {
    const refused = await twin.http.delete('/v1/monitors/MariaDB-Monitor');
    assert.equal(refused.status, 403);
    assert.match(refused.body.errors[0].detail, /server1/);
    await twin.http.patch('/v1/monitors/MariaDB-Monitor/relationships/servers', { data: [] });
    assert.equal((await twin.http.delete('/v1/monitors/MariaDB-Monitor')).status, 204);
    assert.equal((await twin.http.get('/v1/monitors/MariaDB-Monitor')).status, 404);
  });

  test('stop and start change the monitor state', async () => {
    assert.equal((await twin.http.put('/v1/monitors/MariaDB-Monitor/stop')).status, 204);
    assert.equal((await twin.http.get('/v1/monitors/MariaDB-Monitor')).body.data.attributes.state, 'Stopped');
    assert.equal((await twin.http.put('/v1/monitors/MariaDB-Monitor/stop')).status, 204, 'stopping a stopped monitor is fine');
    assert.equal((await twin.http.put('/v1/monitors/MariaDB-Monitor/start')).status, 204);
    assert.equal((await twin.http.get('/v1/monitors/MariaDB-Monitor')).body.data.attributes.state, 'Running');
    assert.equal((await twin.http.put('/v1/monitors/nope/start')).status, 404);
  });

  test('a galeramon monitor marks its running nodes Synced, the first one Master', async () => {
    await twin.http.post('/v1/servers', newServer('g1', 5001));
    await twin.http.post('/v1/servers', newServer('g2', 5002));
    assert.equal(
      (await twin.http.post('/v1/monitors', newMonitor('Galera-Monitor', { module: 'galeramon', servers: ['g1', 'g2'] }))).status,
      204,
    );
    assert.equal(await state('g1'), 'Master, Synced, Running');
    assert.equal(await state('g2'), 'Slave, Synced, Running');
  });
});
