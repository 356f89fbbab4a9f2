import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createApp } from '../app.js';
import { testConfig } from '../config.js';
import { useTwin } from '../testing/twin.js';
import { initialState, withMaxscaleConfig } from './state.js';

const dir = mkdtempSync(join(tmpdir(), 'apitwin-cnf-'));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

// A small deployment that turns authentication off and sets a few core and logging parameters.
const deployment = write(
  'deployment.cnf',
  `[maxscale]
admin_auth=false
admin_host=127.0.0.2
admin_port=9999
threads=2
log_info=false
log_debug=true
query_classifier_cache_size=1Gi

[db1]
type=server
address=10.0.0.1
port=3306

[db2]
type=server
address=10.0.0.2
port=3306

[Cluster-Monitor]
type=monitor
module=mariadbmon
servers=db1,db2
user=mon
password=monpw

[Splitter]
type=service
router=readwritesplit
servers=db1,db2
user=maxuser
password=maxpwd

[Splitter-Listener]
type=listener
service=Splitter
port=4006
`,
);

const twin = useTwin('maxscale', { config: { maxscaleConfig: deployment }, reset: false });

describe('starting from a maxscale.cnf', () => {
  test('the configuration’s objects are the initial state, with the replication roles a monitor would find', async () => {
    assert.deepEqual(
      (await twin.http.get('/v1/servers')).body.data.map((s: { id: string; attributes: { state: string } }) => [s.id, s.attributes.state]),
      [
        ['db1', 'Master, Running'],
        ['db2', 'Slave, Running'],
      ],
    );
    const service = await twin.http.get('/v1/services/Splitter');
    assert.deepEqual(
      service.body.data.attributes.listeners.map((l: { id: string }) => l.id),
      ['Splitter-Listener'],
    );
    assert.equal((await twin.http.get('/v1/monitors/Cluster-Monitor')).body.data.attributes.state, 'Running');
  });

  test('admin_auth=false turns authentication off, as in MaxScale', async () => {
    assert.equal((await twin.http.get('/v1/servers', { auth: null })).status, 200);
  });

  test('the [maxscale] section sets the core and logging parameters', async () => {
    const p = (await twin.http.get('/v1/maxscale')).body.data.attributes.parameters;
    assert.equal(p.admin_auth, false);
    assert.equal(p.threads, 2);
    assert.equal(p.query_classifier_cache_size, 1024 ** 3);
    assert.equal((await twin.http.get('/v1/maxscale/threads')).body.data.length, 2);
    const logs = (await twin.http.get('/v1/maxscale/logs')).body.data.attributes;
    assert.deepEqual(logs.log_priorities, ['error', 'warning', 'notice', 'debug']);
  });

  test("the admin API's reset goes back to the configuration, and the default admin user is still there", async () => {
    await twin.http.post('/v1/servers', { data: { id: 'db3', type: 'servers', attributes: { parameters: { address: 'x', port: 1 } } } });
    const reset = await twin.http.request('POST', '/__apitwin/state/reset', { unchecked: true });
    assert.equal(reset.status, 204);
    assert.equal((await twin.http.get('/v1/servers/db3')).status, 404);
    assert.deepEqual(
      (await twin.http.get('/v1/users/inet')).body.data.map((u: { id: string }) => u.id),
      ['admin'],
    );
  });

  test('an invalid configuration stops the start with file, line and reason', async () => {
    const bad = write('bad.cnf', '[db1]\ntype=server\naddress=10.0.0.1\n\n[svc]\ntype=service\nrouter=readconnroute\nservers=db1,nosuch\n');
    assert.throws(
      () => initialState(testConfig({ maxscaleConfig: bad })),
      (err: Error) => {
        assert.match(err.message, new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: `));
        return true;
      },
    );
    await assert.rejects(createApp(testConfig({ maxscaleConfig: bad })), /bad\.cnf:\d+: /);
  });
});

describe('admin_host and admin_port', () => {
  const cases: [string, { explicit: { host: boolean; maxscalePort: boolean }; want: { host: string; maxscalePort: number } }][] = [
    ['apply when no flag was given', { explicit: { host: false, maxscalePort: false }, want: { host: '127.0.0.2', maxscalePort: 9999 } }],
    ['yield to --host', { explicit: { host: true, maxscalePort: false }, want: { host: '127.0.0.1', maxscalePort: 9999 } }],
    ['yield to --maxscale-port', { explicit: { host: false, maxscalePort: true }, want: { host: '127.0.0.2', maxscalePort: 8989 } }],
  ];
  for (const [name, { explicit, want }] of cases) {
    test(`of the cnf ${name}`, () => {
      const got = withMaxscaleConfig(testConfig({ maxscaleConfig: deployment, explicit: { ...explicit, adminUser: false } }));
      assert.deepEqual({ host: got.host, maxscalePort: got.maxscalePort }, want);
    });
  }

  test('without a cnf the config is unchanged', () => {
    const c = testConfig();
    assert.equal(withMaxscaleConfig(c), c);
  });
});
