import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testConfig } from '../../config.js';
import { startServer } from '../../server.js';
import { useTwin } from '../../testing/twin.js';

const twin = useTwin('maxscale');

const parameters = async () => (await twin.http.get('/v1/maxscale')).body.data.attributes.parameters;
const logs = async () => (await twin.http.get('/v1/maxscale/logs')).body.data.attributes;
const patchCore = (p: Record<string, unknown>, opts = {}) =>
  twin.http.patch('/v1/maxscale', { data: { attributes: { parameters: p } } }, opts);
const patchLogs = (p: Record<string, unknown>) => twin.http.patch('/v1/maxscale/logs', { data: { attributes: { parameters: p } } });

describe('root', () => {
  test('GET / and GET /v1/ answer 200 as health checks', async () => {
    for (const path of ['/', '/v1/', '/v1']) {
      const res = await twin.http.get(path);
      assert.equal(res.status, 200, path);
      assert.equal(res.body.meta.status, 'ok');
      assert.equal(res.body.meta.version, '2.3.6');
    }
  });

  test('the health check needs credentials like everything else', async () => {
    assert.equal((await twin.http.get('/', { auth: null })).status, 401);
  });
});

describe('maxscale core', () => {
  test('GET /maxscale shows the documented parameters, version and times', async () => {
    const res = await twin.http.get('/v1/maxscale');
    assert.equal(res.status, 200);
    assert.equal(res.body.links.self, 'http://localhost:8989/v1/maxscale/');
    const a = res.body.data.attributes;
    assert.equal(a.version, '2.3.6');
    assert.equal(a.parameters.threads, 4);
    assert.equal(a.parameters.admin_auth, true);
    assert.ok(Number.isInteger(a.uptime) && a.uptime >= 0);
    assert.ok(!Number.isNaN(Date.parse(a.started_at)));
  });

  test('runtime parameters can be changed and later GETs show them', async () => {
    const res = await patchCore({ auth_connect_timeout: 5, admin_log_auth_failures: false, auth_read_timeout: 7, auth_write_timeout: 8 });
    assert.equal(res.status, 204);
    const p = await parameters();
    assert.equal(p.auth_connect_timeout, 5);
    assert.equal(p.auth_read_timeout, 7);
    assert.equal(p.auth_write_timeout, 8);
    assert.equal(p.admin_log_auth_failures, false);
  });

  const refused: [string, Record<string, unknown>, number, RegExp][] = [
    ['a parameter that cannot change at runtime', { threads: 8 }, 403, /runtime/],
    ['an unknown parameter', { colour: 'red' }, 403, /Unknown/],
    ['a runtime parameter next to one that cannot change', { auth_connect_timeout: 9, admin_port: 1 }, 403, /admin_port/],
    ['threads given another value', { threads: 5 }, 403, /threads/],
    ['quantum_compute, which MaxScale 2.3 does not know', { quantum_compute: true }, 403, /quantum_compute/],
    ['a wrongly typed value', { admin_auth: 'no' }, 403, /admin_auth/],
    ['a zero timeout', { auth_read_timeout: 0 }, 403, /auth_read_timeout/],
  ];
  for (const [name, body, status, detail] of refused) {
    test(`PATCH /maxscale with ${name} answers ${status} and changes nothing`, async () => {
      const before = await parameters();
      const res = await patchCore(body);
      assert.equal(res.status, status);
      assert.match(res.body.errors[0].detail, detail);
      assert.deepEqual(await parameters(), before);
    });
  }

  test('the whole document a GET answered, sent back to PATCH /maxscale, succeeds and changes exactly what differs', async () => {
    const got = (await twin.http.get('/v1/maxscale')).body;
    assert.equal((await twin.http.patch('/v1/maxscale', got)).status, 204, 'the same document changes nothing');
    const edited = structuredClone(got);
    edited.data.attributes.parameters.auth_connect_timeout = 11;
    edited.data.attributes.uptime = 123456;
    assert.equal((await twin.http.patch('/v1/maxscale', edited)).status, 204);
    const after = (await twin.http.get('/v1/maxscale')).body.data.attributes;
    assert.deepEqual(after.parameters, { ...got.data.attributes.parameters, auth_connect_timeout: 11 });
    assert.equal(after.version, got.data.attributes.version);
  });

  test('threads given its current value is no change, so it is accepted', async () => {
    assert.equal((await patchCore({ threads: 4, passive: true })).status, 204);
    assert.equal((await parameters()).passive, true);
  });

  test('admin_auth=false turns authentication off, and on again', async () => {
    assert.equal((await twin.http.get('/v1/maxscale', { auth: null })).status, 401);
    assert.equal((await patchCore({ admin_auth: false })).status, 204);
    assert.equal((await twin.http.get('/v1/maxscale', { auth: null })).status, 200);
    assert.equal((await patchCore({ admin_auth: true }, { auth: null })).status, 204);
    assert.equal((await twin.http.get('/v1/maxscale', { auth: null })).status, 401);
  });

  test('passive can be switched, and leaving passive mode updates activated_at', async () => {
    assert.equal((await patchCore({ passive: true })).status, 204);
    assert.equal((await parameters()).passive, true);
    assert.equal((await patchCore({ passive: false })).status, 204);
    assert.equal((await parameters()).passive, false);
  });

  test('a basic user may read the core but not change it', async () => {
    await twin.http.post('/v1/users/inet', { data: { id: 'reader', type: 'inet', attributes: { password: 'pw', account: 'basic' } } });
    assert.equal((await twin.http.get('/v1/maxscale', { auth: ['reader', 'pw'] })).status, 200);
    assert.equal((await patchCore({ passive: true }, { auth: ['reader', 'pw'] })).status, 401);
    assert.equal((await twin.http.post('/v1/maxscale/logs/flush', undefined, { auth: ['reader', 'pw'] })).status, 401);
  });
});

describe('the admin interface GET /maxscale shows', () => {
  test('is the host and port the twin really listens on, the port picked when 0 was asked for', async () => {
    const server = await startServer(testConfig({ host: '127.0.0.1', maxscalePort: 0, pipPort: 0 }));
    try {
      const port = Number(new URL(server.urls.maxscale).port);
      assert.ok(port > 0);
      const res = await fetch(`${server.urls.maxscale}/v1/maxscale`, {
        headers: { Authorization: `Basic ${Buffer.from('admin:mariadb').toString('base64')}` },
      });
      const { parameters } = ((await res.json()) as { data: { attributes: { parameters: Record<string, unknown> } } }).data.attributes;
      assert.equal(parameters.admin_port, port);
      assert.equal(parameters.admin_host, '127.0.0.1');
    } finally {
      await server.close();
    }
  });
});

describe('threads', () => {
  test('there is one thread per configured thread, numbered from 0', async () => {
    const res = await twin.http.get('/v1/maxscale/threads');
    assert.deepEqual(
      res.body.data.map((t: { id: string }) => t.id),
      ['0', '1', '2', '3'],
    );
    const one = await twin.http.get('/v1/maxscale/threads/3');
    assert.equal(one.status, 200);
    assert.equal(one.body.links.self, 'http://localhost:8989/v1/maxscale/threads/3');
  });

  for (const id of ['4', 'x', '-1']) {
    test(`thread '${id}' is a 404`, async () => {
      assert.equal((await twin.http.get(`/v1/maxscale/threads/${id}`)).status, 404);
    });
  }
});

describe('logs', () => {
  test('GET /maxscale/logs shows the parameters and the enabled priorities', async () => {
    const a = await logs();
    assert.equal(a.parameters.log_info, true);
    assert.deepEqual(a.log_priorities, ['error', 'warning', 'notice', 'info']);
    assert.equal(a.log_file, '/var/log/maxscale/maxscale.log');
  });

  test('logging parameters change, throttling in part, and the priorities follow', async () => {
    assert.equal((await patchLogs({ log_info: false, log_debug: true, throttling: { count: 5 } })).status, 204);
    const a = await logs();
    assert.deepEqual(a.log_priorities, ['error', 'warning', 'notice', 'debug']);
    assert.deepEqual(a.parameters.throttling, { count: 5, suppress_ms: 10000, window_ms: 1000 });
  });

  const refused: [string, Record<string, unknown>, number][] = [
    ['log_to_shm', { log_to_shm: true }, 403],
    ['an unknown parameter', { log_everything: true }, 403],
    ['a wrongly typed value', { log_info: 'yes' }, 403],
    ['an unknown throttling field', { throttling: { burst: 1 } }, 403],
  ];
  for (const [name, body, status] of refused) {
    test(`PATCH /maxscale/logs with ${name} answers ${status} and changes nothing`, async () => {
      const before = await logs();
      assert.equal((await patchLogs(body)).status, status);
      assert.deepEqual(await logs(), before);
    });
  }

  test('the whole document a GET answered, sent back to PATCH /maxscale/logs, succeeds and changes exactly what differs', async () => {
    const got = (await twin.http.get('/v1/maxscale/logs')).body;
    assert.equal((await twin.http.patch('/v1/maxscale/logs', got)).status, 204, 'the same document, log_to_shm included');
    const edited = structuredClone(got);
    edited.data.attributes.parameters.log_debug = true;
    assert.equal((await twin.http.patch('/v1/maxscale/logs', edited)).status, 204);
    const after = await logs();
    assert.deepEqual(after.parameters, { ...got.data.attributes.parameters, log_debug: true });
    assert.deepEqual(after.log_priorities, [...got.data.attributes.log_priorities, 'debug']);
  });

  test('flushing the logs answers 204, with or without a body', async () => {
    assert.equal((await twin.http.post('/v1/maxscale/logs/flush')).status, 204);
    assert.equal((await twin.http.post('/v1/maxscale/logs/flush', { ignored: true })).status, 204);
  });
});

describe('tasks and modules', () => {
  test('the task schedule is empty', async () => {
    const res = await twin.http.get('/v1/maxscale/tasks');
    assert.deepEqual(res.body.data, []);
  });

  test('the modules list names every simulated module with its parameters', async () => {
    const res = await twin.http.get('/v1/maxscale/modules');
    const names = res.body.data.map((m: { id: string }) => m.id);
    for (const name of [
      'mariadbmon',
      'readwritesplit',
      'readconnroute',
      'dbfwfilter',
      'qlafilter',
      'hintfilter',
      'qc_sqlite',
      'MySQLAuth',
    ]) {
      assert.ok(names.includes(name), name);
    }
    const qla = res.body.data.find((m: { id: string }) => m.id === 'qlafilter');
    assert.equal(qla.attributes.module_type, 'Filter');
    assert.ok(qla.attributes.parameters.some((p: { name: string }) => p.name === 'filebase'));
  });

  test('a module shows its commands with their methods and argument types', async () => {
    const res = await twin.http.get('/v1/maxscale/modules/mariadbmon');
    assert.equal(res.status, 200);
    const switchover = res.body.data.attributes.commands.find((c: { id: string }) => c.id === 'switchover');
    assert.deepEqual(switchover.attributes.method, 'POST');
    assert.equal(switchover.attributes.arg_min, 1);
    assert.equal(switchover.attributes.arg_max, 3);
    assert.deepEqual(
      switchover.attributes.parameters.map((p: { type: string }) => p.type),
      ['MONITOR', '[SERVER]', '[SERVER]'],
    );
    const dbfw = await twin.http.get('/v1/maxscale/modules/dbfwfilter');
    const action = dbfw.body.data.attributes.parameters.find((p: { name: string }) => p.name === 'action');
    assert.deepEqual(action, { name: 'action', type: 'enum', default_value: 'block', enum_values: ['allow', 'block', 'ignore'] });
  });

  test('an unknown module is a 404', async () => {
    assert.equal((await twin.http.get('/v1/maxscale/modules/nomod')).status, 404);
  });
});

describe('query classifier', () => {
  test('SELECT 1 is classified as the docs show', async () => {
    const res = await twin.http.get('/v1/maxscale/query_classifier/classify?sql=SELECT+1');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.data.attributes, {
      parse_result: 'QC_QUERY_PARSED',
      type_mask: 'QUERY_TYPE_READ',
      operation: 'QUERY_OP_SELECT',
      has_where_clause: false,
      fields: [],
      functions: [],
    });
  });

  test('an UPDATE with a WHERE clause is a write with fields', async () => {
    const sql = encodeURIComponent('UPDATE t SET a = 1 WHERE b = 2');
    const a = (await twin.http.get(`/v1/maxscale/query_classifier/classify?sql=${sql}`)).body.data.attributes;
    assert.equal(a.operation, 'QUERY_OP_UPDATE');
    assert.equal(a.has_where_clause, true);
    assert.match(a.type_mask, /QUERY_TYPE_WRITE/);
    assert.ok(a.fields.length > 0);
  });

  test('a statement that cannot be parsed is still a 200, with QC_QUERY_INVALID', async () => {
    const res = await twin.http.get('/v1/maxscale/query_classifier/classify?sql=SELEC+1');
    assert.equal(res.status, 200);
    assert.equal(res.body.data.attributes.parse_result, 'QC_QUERY_INVALID');
  });

  test('a missing sql parameter is a 400', async () => {
    assert.equal((await twin.http.get('/v1/maxscale/query_classifier/classify')).status, 400);
  });
});
