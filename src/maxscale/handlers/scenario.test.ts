/**
 * A realistic admin task end to end, as a MaxScale 2.3 user would do it with
 * the REST API: build a cluster, route through it, maintain it, switch the
 * master over, then take everything down in the order MaxScale's refusals
 * require. Every response is checked against the spec by the test client.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTwin } from '../../testing/twin.js';

const twin = useTwin('maxscale', { reset: false });

const ref = (type: string, ...ids: string[]) => ({ data: ids.map((id) => ({ id, type })) });
const server = async (name: string) => (await twin.http.get(`/v1/servers/${name}`)).body.data;

async function expect(status: number, res: Promise<{ status: number; body: { errors?: { detail: string }[] } }>, why: string) {
  const r = await res;
  assert.equal(r.status, status, `${why}: ${r.body.errors?.[0]?.detail ?? ''}`);
  return r;
}

test('build a cluster with a routed service, maintain it, switch the master over, and tear it all down', async () => {
  // 1. Two servers and a monitor: the monitor takes them into a cluster, the first as master.
  for (const [id, port] of [
    ['db-a', 3306],
    ['db-b', 3307],
  ] as const) {
    await expect(
      204,
      twin.http.post('/v1/servers', { data: { id, type: 'servers', attributes: { parameters: { address: '10.0.0.5', port } } } }),
      `create ${id}`,
    );
  }
  await expect(
    204,
    twin.http.post('/v1/monitors', {
      data: {
        id: 'Cluster-Monitor',
        type: 'monitors',
        attributes: { module: 'mariadbmon', parameters: { user: 'mon', password: 'monpw', monitor_interval: 1000 } },
        relationships: { servers: ref('servers', 'db-a', 'db-b') },
      },
    }),
    'create the monitor',
  );
  assert.equal((await server('db-a')).attributes.state, 'Master, Running');
  assert.equal((await server('db-b')).attributes.state, 'Slave, Running');
  assert.deepEqual((await server('db-a')).relationships.monitors.data, [{ id: 'Cluster-Monitor', type: 'monitors' }]);

  // 2. A readwritesplit service over both, with a query log filter and a listener.
  await expect(
    204,
    twin.http.post('/v1/filters', {
      data: { id: 'Audit', type: 'filters', attributes: { module: 'qlafilter', parameters: { filebase: '/tmp/audit' } } },
    }),
    'create the filter',
  );
  await expect(
    204,
    twin.http.post('/v1/services', {
      data: {
        id: 'Splitter',
        type: 'services',
        attributes: { router: 'readwritesplit', parameters: { user: 'maxuser', password: 'maxpwd', master_accept_reads: true } },
        relationships: { servers: ref('servers', 'db-a', 'db-b'), filters: ref('filters', 'Audit') },
      },
    }),
    'create the service',
  );
  await expect(
    204,
    twin.http.post('/v1/services/Splitter/listeners', {
      data: { id: 'Splitter-Listener', type: 'listeners', attributes: { parameters: { port: 4100 } } },
    }),
    'create the listener',
  );
  // Both sides of every relationship agree.
  assert.deepEqual(
    (await server('db-b')).relationships.services.data.map((d: { id: string }) => d.id),
    ['Splitter'],
  );
  assert.deepEqual((await twin.http.get('/v1/filters/Audit')).body.data.relationships.services.data, [
    { id: 'Splitter', type: 'services' },
  ]);

  // 3. Maintenance on the slave: the flag shows first, the role stays.
  await expect(204, twin.http.put('/v1/servers/db-b/set?state=maintenance'), 'maintenance on');
  assert.equal((await server('db-b')).attributes.state, 'Maintenance, Slave, Running');
  const refused = await expect(
    403,
    twin.http.post('/v1/maxscale/modules/mariadbmon/switchover?Cluster-Monitor&db-b'),
    'no promotion in maintenance',
  );
  assert.match(refused.body.errors?.[0]?.detail ?? '', /maintenance/);
  await expect(204, twin.http.put('/v1/servers/db-b/clear?state=maintenance'), 'maintenance off');

  // 4. Switch the master over to db-b.
  await expect(204, twin.http.post('/v1/maxscale/modules/mariadbmon/switchover?Cluster-Monitor&db-b&db-a'), 'switchover');
  const [a, b] = [await server('db-a'), await server('db-b')];
  assert.equal(b.attributes.state, 'Master, Running');
  assert.equal(a.attributes.state, 'Slave, Running');
  assert.equal(a.attributes.master_id, b.attributes.node_id);
  assert.deepEqual(b.attributes.slaves, [a.attributes.node_id]);

  // 5. Tear down. Each object refuses to go while something still uses it.
  await expect(403, twin.http.delete('/v1/servers/db-a'), 'a server in use');
  await expect(403, twin.http.delete('/v1/filters/Audit'), 'a filter in use');
  await expect(403, twin.http.delete('/v1/monitors/Cluster-Monitor'), 'a monitor with servers');
  await expect(403, twin.http.delete('/v1/services/Splitter'), 'a service with a listener');

  await expect(204, twin.http.delete('/v1/services/Splitter/listeners/Splitter-Listener'), 'the listener');
  await expect(403, twin.http.delete('/v1/services/Splitter'), 'a service that still uses servers and filters');
  await expect(204, twin.http.patch('/v1/services/Splitter/relationships/filters', { data: [] }), 'unlink the filter');
  await expect(204, twin.http.patch('/v1/services/Splitter/relationships/servers', { data: [] }), 'unlink the servers');
  await expect(204, twin.http.delete('/v1/services/Splitter'), 'the service');
  await expect(204, twin.http.delete('/v1/filters/Audit'), 'the filter');
  await expect(403, twin.http.delete('/v1/servers/db-a'), 'a monitored server');
  await expect(204, twin.http.patch('/v1/monitors/Cluster-Monitor/relationships/servers', { data: [] }), 'unmonitor the servers');
  await expect(204, twin.http.delete('/v1/monitors/Cluster-Monitor'), 'the monitor');
  await expect(204, twin.http.delete('/v1/servers/db-a'), 'db-a');
  await expect(204, twin.http.delete('/v1/servers/db-b'), 'db-b');

  // Nothing of it is left, and the documented objects are untouched.
  for (const path of [
    '/v1/servers/db-a',
    '/v1/servers/db-b',
    '/v1/monitors/Cluster-Monitor',
    '/v1/services/Splitter',
    '/v1/filters/Audit',
  ]) {
    await expect(404, twin.http.get(path), `${path} is gone`);
  }
  assert.deepEqual(
    (await twin.http.get('/v1/servers')).body.data.map((s: { id: string }) => s.id),
    ['server1', 'server2'],
  );
});
