import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { commandArguments } from '../../maxscale/commands.js';
import { projectRoot } from '../../spec/load.js';
import { useTwin } from '../../testing/twin.js';

// The rules folder of this twin: a copy of the default rule file, and the files the tests write.
const dir = mkdtempSync(join(tmpdir(), 'apitwin-dbfw-'));
copyFileSync(join(projectRoot(), 'data', 'dbfw-rules.txt'), join(dir, 'dbfw-rules.txt'));
const twin = useTwin('maxscale', { config: { dbfwRulesDir: dir } });

interface ServerView {
  state: string;
  node_id: number;
  master_id: number;
  replication_depth: number;
  slaves: number[];
}
const server = async (name: string): Promise<ServerView> => (await twin.http.get(`/v1/servers/${name}`)).body.data.attributes;
const states = async () => [(await server('server1')).state, (await server('server2')).state];

/** Takes a server down or up the only way MaxScale allows by hand: with its monitor stopped. */
async function setRunning(name: string, up: boolean) {
  assert.equal((await twin.http.put('/v1/monitors/MariaDB-Monitor/stop')).status, 204);
  assert.equal((await twin.http.put(`/v1/servers/${name}/${up ? 'set' : 'clear'}?state=running`)).status, 204);
  assert.equal((await twin.http.put('/v1/monitors/MariaDB-Monitor/start')).status, 204);
}

describe('command arguments', () => {
  const cases: [string, { query: string; want: string[] }][] = [
    ['keys in order', { query: 'MariaDB-Monitor&server2&server1', want: ['MariaDB-Monitor', 'server2', 'server1'] }],
    ['numeric keys keep their place', { query: 'b&3000&a', want: ['b', '3000', 'a'] }],
    ['empty values count as keys', { query: 'MariaDB-Monitor=&server2=', want: ['MariaDB-Monitor', 'server2'] }],
    ['key=value stays whole, as MaxScale passes it', { query: 'a=b', want: ['a=b'] }],
    ['pretty is not an argument', { query: 'pretty=false&F&/tmp/rules%20file.txt', want: ['F', '/tmp/rules file.txt'] }],
    ['an empty query has none', { query: '', want: [] }],
  ];
  for (const [name, { query, want }] of cases) {
    test(name, () => assert.deepEqual(commandArguments(query), want));
  }
});

describe('mariadbmon commands', () => {
  test('switchover promotes the slave: states, master_id, slaves and depth all follow', async () => {
    const res = await twin.http.post('/v1/maxscale/modules/mariadbmon/switchover?MariaDB-Monitor&server2&server1');
    assert.equal(res.status, 204);
    const [s1, s2] = [await server('server1'), await server('server2')];
    assert.equal(s2.state, 'Master, Running');
    assert.equal(s2.master_id, -1);
    assert.deepEqual(s2.slaves, [3000]);
    assert.equal(s2.replication_depth, 0);
    assert.equal(s1.state, 'Slave, Running');
    assert.equal(s1.master_id, 3001);
    assert.equal(s1.replication_depth, 1);
    assert.deepEqual(s1.slaves, []);
  });

  test('switchover without a new master picks a slave, and a second switchover goes back', async () => {
    assert.equal((await twin.http.post('/v1/maxscale/modules/mariadbmon/switchover?MariaDB-Monitor')).status, 204);
    assert.deepEqual(await states(), ['Slave, Running', 'Master, Running']);
    assert.equal((await twin.http.post('/v1/maxscale/modules/mariadbmon/switchover?MariaDB-Monitor&server1')).status, 204);
    assert.deepEqual(await states(), ['Master, Running', 'Slave, Running']);
  });

  test('a master in maintenance keeps the flag through a switchover', async () => {
    await twin.http.put('/v1/servers/server1/set?state=maintenance');
    assert.equal((await twin.http.post('/v1/maxscale/modules/mariadbmon/switchover?MariaDB-Monitor&server2')).status, 204);
    assert.deepEqual(await states(), ['Maintenance, Slave, Running', 'Master, Running']);
  });

  test('failover promotes a slave once the master is down; the old master rejoins as a slave when it is back', async () => {
    const refused = await twin.http.post('/v1/maxscale/modules/mariadbmon/failover?MariaDB-Monitor');
    assert.equal(refused.status, 403, 'no failover while the master runs');
    assert.match(refused.body.errors[0].detail, /running/);

    await setRunning('server1', false);
    assert.deepEqual(await states(), ['Down', 'Slave, Running'], 'a stale slave keeps its role');
    assert.equal((await twin.http.post('/v1/maxscale/modules/mariadbmon/failover?MariaDB-Monitor')).status, 204);
    assert.deepEqual(await states(), ['Down', 'Master, Running']);

    await setRunning('server1', true);
    assert.deepEqual(await states(), ['Running', 'Master, Running'], 'the old master comes back standalone');
    assert.equal((await twin.http.post('/v1/maxscale/modules/mariadbmon/rejoin?MariaDB-Monitor&server1')).status, 204);
    assert.deepEqual(await states(), ['Slave, Running', 'Master, Running']);
    assert.equal((await server('server1')).master_id, 3001);
  });

  test('reset-replication makes the named server the master of all the others', async () => {
    assert.equal((await twin.http.post('/v1/maxscale/modules/mariadbmon/reset-replication?MariaDB-Monitor&server2')).status, 204);
    assert.deepEqual(await states(), ['Slave, Running', 'Master, Running']);
  });

  const refusals: [string, { method: 'GET' | 'POST'; path: string; status: number; detail: RegExp }][] = [
    ['an unknown module', { method: 'POST', path: '/v1/maxscale/modules/nomod/switchover?MariaDB-Monitor', status: 404, detail: /nomod/ }],
    [
      'an unknown command',
      { method: 'POST', path: '/v1/maxscale/modules/mariadbmon/explode?MariaDB-Monitor', status: 404, detail: /explode/ },
    ],
    [
      'GET for a POST command',
      { method: 'GET', path: '/v1/maxscale/modules/mariadbmon/switchover?MariaDB-Monitor', status: 404, detail: /POST/ },
    ],
    [
      'no arguments',
      {
        method: 'POST',
        path: '/v1/maxscale/modules/mariadbmon/switchover',
        status: 403,
        detail: /^Expected between 1 and 3 arguments, got 0\.$/,
      },
    ],
    [
      'too many arguments',
      {
        method: 'POST',
        path: '/v1/maxscale/modules/mariadbmon/failover?MariaDB-Monitor&server1',
        status: 403,
        detail: /^Expected 1 arguments, got 2\.$/,
      },
    ],
    ['an unknown monitor', { method: 'POST', path: '/v1/maxscale/modules/mariadbmon/failover?nomon', status: 403, detail: /nomon/ }],
    [
      'an unknown server',
      { method: 'POST', path: '/v1/maxscale/modules/mariadbmon/switchover?MariaDB-Monitor&noserver', status: 403, detail: /noserver/ },
    ],
    [
      'the master as the new master',
      {
        method: 'POST',
        path: '/v1/maxscale/modules/mariadbmon/switchover?MariaDB-Monitor&server1',
        status: 403,
        detail: /already the master/,
      },
    ],
    [
      'a wrong current master',
      {
        method: 'POST',
        path: '/v1/maxscale/modules/mariadbmon/switchover?MariaDB-Monitor&server2&server2',
        status: 403,
        detail: /not the current master/,
      },
    ],
    [
      'rejoining a server that already replicates',
      { method: 'POST', path: '/v1/maxscale/modules/mariadbmon/rejoin?MariaDB-Monitor&server2', status: 403, detail: /already replicates/ },
    ],
  ];
  for (const [name, { method, path, status, detail }] of refusals) {
    test(`${name} answers ${status} and changes nothing`, async () => {
      const res = await twin.http.request(method, path);
      assert.equal(res.status, status);
      assert.match(res.body.errors[0].detail, detail);
      assert.deepEqual(await states(), ['Master, Running', 'Slave, Running']);
    });
  }

  test('a slave in maintenance is not promoted', async () => {
    await twin.http.put('/v1/servers/server2/set?state=maintenance');
    const res = await twin.http.post('/v1/maxscale/modules/mariadbmon/switchover?MariaDB-Monitor&server2');
    assert.equal(res.status, 403);
    assert.match(res.body.errors[0].detail, /maintenance/);
  });

  test('a stopped monitor runs no commands', async () => {
    await twin.http.put('/v1/monitors/MariaDB-Monitor/stop');
    const res = await twin.http.post('/v1/maxscale/modules/mariadbmon/switchover?MariaDB-Monitor');
    assert.equal(res.status, 403);
    assert.match(res.body.errors[0].detail, /not running/);
  });
});

describe('dbfwfilter commands', () => {
  test('rules shows the loaded rules as JSON in meta, as MaxScale 2.3 does', async () => {
    const res = await twin.http.get('/v1/maxscale/modules/dbfwfilter/rules?Database-Firewall');
    assert.equal(res.status, 200);
    assert.equal(res.body.links.self, 'http://localhost:8989/v1/maxscale/modules/dbfwfilter/rules');
    assert.deepEqual(res.body.meta, [{ name: 'test3', type: 'COLUMN', times_matched: 0 }]);
  });

  test('rules/json, a command of MaxScale 2.1, is not a 2.3 command: 404', async () => {
    const res = await twin.http.get('/v1/maxscale/modules/dbfwfilter/rules/json?Database-Firewall');
    assert.equal(res.status, 404);
    assert.match(res.body.errors[0].detail, /Command not found: dbfwfilter::rules\/json/);
  });

  test('rules/reload re-reads the configured file, or loads a new one and remembers its path', async () => {
    assert.equal((await twin.http.post('/v1/maxscale/modules/dbfwfilter/rules/reload?Database-Firewall')).status, 204);
    const file = join(dir, 'rules.txt');
    writeFileSync(file, 'rule no_star match wildcard\nrule limit match limit_queries 10 5 60\nusers %@% match any rules no_star limit\n');
    const res = await twin.http.post(`/v1/maxscale/modules/dbfwfilter/rules/reload?Database-Firewall&${encodeURIComponent(file)}`);
    assert.equal(res.status, 204);
    const rules = await twin.http.get('/v1/maxscale/modules/dbfwfilter/rules?Database-Firewall');
    assert.deepEqual(
      rules.body.meta.map((r: { name: string; type: string }) => [r.name, r.type]),
      [
        ['no_star', 'WILDCARD'],
        ['limit', 'THROTTLE'],
      ],
    );
    assert.equal((await twin.http.get('/v1/filters/Database-Firewall')).body.data.attributes.parameters.rules, file);
  });

  test('a rule file that cannot be parsed or read fails the reload with 403 and keeps the old rules', async () => {
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, 'rule broken match nonsense\n');
    for (const path of [bad, join(dir, 'missing.txt')]) {
      const res = await twin.http.post(`/v1/maxscale/modules/dbfwfilter/rules/reload?Database-Firewall&${encodeURIComponent(path)}`);
      assert.equal(res.status, 403);
      assert.match(res.body.errors[0].detail, /rule file/);
    }
    const rules = await twin.http.get('/v1/maxscale/modules/dbfwfilter/rules?Database-Firewall');
    assert.deepEqual(rules.body.meta, [{ name: 'test3', type: 'COLUMN', times_matched: 0 }]);
    assert.equal((await twin.http.get('/v1/filters/Database-Firewall')).body.data.attributes.parameters.rules, 'dbfw-rules.txt');
  });

  test('POST for a GET command is a 404, and pretty is not taken for an argument', async () => {
    assert.equal((await twin.http.post('/v1/maxscale/modules/dbfwfilter/rules?Database-Firewall')).status, 404);
    const res = await twin.http.get('/v1/maxscale/modules/dbfwfilter/rules?pretty=false&Database-Firewall');
    assert.equal(res.status, 200);
    assert.ok(!res.text.includes('\n'));
  });
});

const newFilter = (id: string, module: string, parameters: Record<string, unknown>) => ({
  data: { id, type: 'filters', attributes: { module, parameters } },
});

describe('qlafilter log', () => {
  const createQla = async (id: string, parameters: Record<string, unknown>) =>
    assert.equal((await twin.http.post('/v1/filters', newFilter(id, 'qlafilter', { filebase: `/tmp/${id}`, ...parameters }))).status, 204);

  test('a unified log holds the header MaxScale writes when it creates the file: Date,User@Host,Query by default', async () => {
    await createQla('unified-qla', { log_type: 'unified' });
    const res = await twin.http.get('/v1/maxscale/modules/qlafilter/log?unified-qla');
    assert.equal(res.status, 200);
    assert.equal(res.body.links.self, 'http://localhost:8989/v1/maxscale/modules/qlafilter/log');
    assert.deepEqual(res.body.meta, ['Date,User@Host,Query']);
  });

  test('the header follows log_data, in MaxScale’s column order, joined by separator', async () => {
    await createQla('custom-qla', { log_type: 'session,unified', log_data: 'query,service,reply_time,session', separator: ' | ' });
    const res = await twin.http.get('/v1/maxscale/modules/qlafilter/log?custom-qla');
    assert.deepEqual(res.body.meta, ['Service | Session | Reply_time | Query']);
  });

  const lines: [string, { query: string; want: string[] }][] = [
    ['start 0 reads from the first line', { query: '&0', want: ['Date,User@Host,Query'] }],
    ['start 1 skips the header', { query: '&1', want: [] }],
    ['end 1 stops after the header', { query: '&0&1', want: ['Date,User@Host,Query'] }],
    ['start and end that are not numbers count as 0, as atoi reads them', { query: '&x&y', want: ['Date,User@Host,Query'] }],
  ];
  for (const [name, { query, want }] of lines) {
    test(`the optional line numbers: ${name}`, async () => {
      await createQla('lines-qla', { log_type: 'unified' });
      const res = await twin.http.get(`/v1/maxscale/modules/qlafilter/log?lines-qla${query}`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.meta, want);
    });
  }

  test('a filter without a unified log gets MaxScale’s error', async () => {
    const res = await twin.http.get('/v1/maxscale/modules/qlafilter/log?QLA');
    assert.equal(res.status, 403);
    assert.equal(res.body.errors[0].detail, "Filter 'QLA' does not have unified log file enabled");
  });

  const refusals: [string, { method: 'GET' | 'POST'; path: string; status: number; detail: RegExp }][] = [
    [
      'a missing filter',
      { method: 'GET', path: '/v1/maxscale/modules/qlafilter/log', status: 403, detail: /^Expected between 1 and 3 arguments, got 0\.$/ },
    ],
    [
      'more arguments than filter, start and end',
      {
        method: 'GET',
        path: '/v1/maxscale/modules/qlafilter/log?QLA&0&1&2',
        status: 403,
        detail: /^Expected between 1 and 3 arguments, got 4\.$/,
      },
    ],
    [
      'an unknown filter',
      {
        method: 'GET',
        path: '/v1/maxscale/modules/qlafilter/log?nofilter',
        status: 403,
        detail: /^Argument 1, filter not found: nofilter$/,
      },
    ],
    [
      'a filter of another module',
      {
        method: 'GET',
        path: '/v1/maxscale/modules/qlafilter/log?Database-Firewall',
        status: 403,
        detail: /^Argument 1, filter and domain names don't match: Database-Firewall$/,
      },
    ],
    ['POST, for a passive command', { method: 'POST', path: '/v1/maxscale/modules/qlafilter/log?QLA', status: 404, detail: /GET/ }],
    [
      'the command called under another module that has none of that name',
      { method: 'GET', path: '/v1/maxscale/modules/dbfwfilter/log?QLA', status: 404, detail: /Command not found: dbfwfilter::log/ },
    ],
  ];
  for (const [name, { method, path, status, detail }] of refusals) {
    test(`log with ${name} answers ${status}`, async () => {
      const res = await twin.http.request(method, path);
      assert.equal(res.status, status);
      assert.match(res.body.errors[0].detail, detail);
    });
  }
});

describe('every MaxScale 2.3 module command', () => {
  const service = (id: string, router: string, parameters: Record<string, unknown> = {}) => ({
    data: { id, type: 'services', attributes: { router, parameters: { user: 'maxuser', password: 'maxpwd', ...parameters } } },
  });

  test('a command another module declares is refused: 404, whatever its arguments', async () => {
    // `reload` is masking's; dbfwfilter's is `rules/reload`. `show` is the cache's.
    for (const path of ['/v1/maxscale/modules/dbfwfilter/reload?Database-Firewall', '/v1/maxscale/modules/qlafilter/show?QLA']) {
      const res = await twin.http.request(path.includes('reload') ? 'POST' : 'GET', path);
      assert.equal(res.status, 404, path);
    }
  });

  test('cache show answers an idle cache’s statistics; a filter of another module is refused', async () => {
    assert.equal((await twin.http.post('/v1/filters', newFilter('Cache', 'cache', {}))).status, 204);
    const res = await twin.http.get('/v1/maxscale/modules/cache/show?Cache');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.meta.rules, []);
    assert.deepEqual(res.body.meta['thread-1'], { storage: { size: 0, items: 0, hits: 0, misses: 0, updates: 0, deletes: 0 } });
    assert.equal((await twin.http.get('/v1/maxscale/modules/cache/show?QLA')).status, 403);
  });

  test('tee enable and disable take a tee filter and have no output', async () => {
    assert.equal((await twin.http.post('/v1/filters', newFilter('Tee', 'tee', { service: 'RW-Split-Router' }))).status, 204);
    assert.equal((await twin.http.post('/v1/maxscale/modules/tee/disable?Tee')).status, 204);
    assert.equal((await twin.http.post('/v1/maxscale/modules/tee/enable?Tee')).status, 204);
    const res = await twin.http.post('/v1/maxscale/modules/tee/enable?QLA');
    assert.equal(res.status, 403);
    assert.match(res.body.errors[0].detail, /filter and domain names don't match/);
  });

  test('masking reload takes a masking filter', async () => {
    assert.equal((await twin.http.post('/v1/filters', newFilter('Mask', 'masking', { rules: '/etc/masking.json' }))).status, 204);
    assert.equal((await twin.http.post('/v1/maxscale/modules/masking/reload?Mask')).status, 204);
    assert.equal((await twin.http.post('/v1/maxscale/modules/masking/reload')).status, 403);
  });

  test('avrorouter convert takes an avrorouter service and start or stop; purge takes the service', async () => {
    assert.equal((await twin.http.post('/v1/services', service('Avro', 'avrorouter'))).status, 204);
    assert.equal((await twin.http.post('/v1/maxscale/modules/avrorouter/convert?Avro&start')).status, 204);
    assert.equal((await twin.http.post('/v1/maxscale/modules/avrorouter/convert?Avro&stop')).status, 204);
    assert.equal((await twin.http.post('/v1/maxscale/modules/avrorouter/convert?Avro&pause')).status, 403);
    assert.equal((await twin.http.post('/v1/maxscale/modules/avrorouter/purge?Avro')).status, 204);
    const other = await twin.http.post('/v1/maxscale/modules/avrorouter/purge?RW-Split-Router');
    assert.equal(other.status, 403);
    assert.equal(other.body.errors[0].detail, "Argument 1, router and domain names don't match: RW-Split-Router");
    const missing = await twin.http.post('/v1/maxscale/modules/avrorouter/convert?Avro');
    assert.equal(missing.body.errors[0].detail, 'Expected 2 arguments, got 1.');
  });

  test('CDCPlainAuth’s add_user is called under its domain cdc, takes any service, a user and a password', async () => {
    assert.equal((await twin.http.post('/v1/maxscale/modules/cdc/add_user?RW-Split-Router&cdcuser&cdcpw')).status, 204);
    assert.equal(
      (await twin.http.post('/v1/maxscale/modules/CDC/add_user?RW-Split-Router&cdcuser&cdcpw')).status,
      204,
      'domains are case-insensitive',
    );
    assert.equal((await twin.http.post('/v1/maxscale/modules/cdc/add_user?RW-Split-Router&cdcuser')).status, 403);
    assert.equal((await twin.http.post('/v1/maxscale/modules/cdc/add_user?no-service&u&p')).status, 403);
    assert.equal((await twin.http.post('/v1/maxscale/modules/CDCPlainAuth/add_user?RW-Split-Router&u&p')).status, 404);
  });

  test('an old module name calls the new module’s commands (mysqlmon is mariadbmon)', async () => {
    assert.equal((await twin.http.post('/v1/maxscale/modules/mysqlmon/switchover?MariaDB-Monitor&server2')).status, 204);
    assert.deepEqual(await states(), ['Slave, Running', 'Master, Running']);
  });
});
