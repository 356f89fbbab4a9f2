/**
 * The admin API as a person testing their client uses it: the journal, fault
 * and latency rules, `Prefer`, and state export / import / reset, through
 * HTTP on both twins' apps. Every response is checked against its spec
 * (admin answers against openapi/apitwin-admin.yaml, problem documents
 * against its Problem schema too, since openapi-backend validates only
 * application/json bodies).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, beforeEach, describe, test } from 'node:test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { OpenAPIV3 } from 'openapi-types';
import request, { type Response } from 'supertest';
import { type Apps, createApp } from '../app.js';
import { type Config, testConfig } from '../config.js';
import type { Listener } from '../http/answers.js';
import { loadSpec } from '../spec/load.js';
import { type TestHttp, testHttp } from '../testing/http.js';
import { Journal, type JournalEntry } from './journal.js';

const SERVER = { data: { id: 'db9', type: 'servers', attributes: { parameters: { address: '10.0.0.9', port: 3306 } } } };

const SAMPLE_ENTRY: Omit<JournalEntry, 'id'> = {
  api: 'maxscale',
  time: '2024-05-01T10:00:00.000Z',
  requestId: 'r',
  method: 'GET',
  path: '/',
  query: {},
  headers: {},
  body: null,
  status: 200,
  durationMs: 1,
  operationId: null,
  injected: null,
};

interface Setup {
  apps: Apps;
  admin: TestHttp;
  pipAdmin: TestHttp;
  maxscale: TestHttp;
  pip: TestHttp;
}

async function setup(overrides: Partial<Config> = {}): Promise<Setup> {
  const apps = await createApp(testConfig(overrides));
  return {
    apps,
    admin: await testHttp(apps.maxscale, 'apitwin-admin'),
    pipAdmin: await testHttp(apps.pip, 'apitwin-admin'),
    maxscale: await testHttp(apps.maxscale, 'maxscale'),
    pip: await testHttp(apps.pip, 'pip-sessions'),
  };
}

let problemValidator: (body: unknown) => boolean;
before(async () => {
  const spec = await loadSpec('apitwin-admin');
  const ajv = new Ajv({ strict: false });
  addFormats.default(ajv);
  problemValidator = ajv.compile(spec.components?.schemas?.Problem as OpenAPIV3.SchemaObject);
});

/** An RFC 9457 problem document of that status. */
function assertProblem(res: Response, status: number, detail?: RegExp): void {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json/);
  assert.ok(problemValidator(res.body), `a Problem document: ${res.text}`);
  assert.equal(res.body.status, status);
  if (detail) assert.match(res.body.detail, detail);
}

let t: Setup;
before(async () => {
  t = await setup({ journalSize: 50 });
});
beforeEach(async () => {
  t.apps.admin?.journal.clear();
  t.apps.admin?.faults.clear();
  await t.admin.post('/__apitwin/state/reset');
});

describe('the admin API is off by default', () => {
  test('without --admin-api, /__apitwin is not there and Prefer is an ordinary header', async () => {
    const off = await createApp(testConfig({ adminApi: false }));
    assert.equal((await request(off.pip).get('/__apitwin/journal')).status, 404);
    assert.equal((await request(off.maxscale).get('/__apitwin/journal').auth('admin', 'mariadb')).status, 404);
    const res = await request(off.maxscale).get('/v1/servers/server1').auth('admin', 'mariadb').set('Prefer', 'code=404');
    assert.equal(res.status, 200);
    assert.equal(off.admin, undefined);
  });
});

describe('the request journal', () => {
  test('records method, path, query, headers with Authorization masked, body, status, duration, operationId and request id', async () => {
    await t.maxscale.post('/v1/servers?pretty=false', SERVER, { headers: { 'X-Request-Id': 'req-42', 'X-Client': 'mine' } });
    const res = await t.admin.get('/__apitwin/journal');
    assert.equal(res.status, 200);
    const [entry] = res.body.entries;
    assert.equal(entry.api, 'maxscale');
    assert.equal(entry.method, 'POST');
    assert.equal(entry.path, '/v1/servers');
    assert.deepEqual(entry.query, { pretty: 'false' });
    assert.equal(entry.headers.authorization, 'Basic ***');
    assert.equal(entry.headers['x-client'], 'mine');
    assert.deepEqual(entry.body, SERVER);
    assert.equal(entry.status, 204);
    assert.ok(entry.durationMs >= 0);
    assert.equal(entry.operationId, 'createServer');
    assert.equal(entry.requestId, 'req-42');
    assert.equal(entry.injected, null);
    assert.ok(!JSON.stringify(res.body).includes('YWRtaW46bWFyaWFkYg'), 'the credentials are nowhere');
  });

  test('unmatched requests (404, 405) are there, with no operationId, so "why 404" has an answer', async () => {
    await t.maxscale.get('/v1/no-such-thing', { unchecked: true });
    await t.pip.request('GET', '/v1/sessions/open_session', { unchecked: true });
    const entries = (await t.admin.get('/__apitwin/journal')).body.entries;
    assert.deepEqual(
      entries.map((e: { api: string; status: number; operationId: string | null }) => [e.api, e.status, e.operationId]),
      [
        ['pip-sessions', 405, null],
        ['maxscale', 404, null],
      ],
    );
  });

  test('filters by api, operationId, method, path prefix, status, time and limit, newest first', async () => {
    const before = new Date(Date.now() - 1).toISOString();
    await t.maxscale.get('/v1/servers');
    await t.maxscale.get('/v1/servers/server1');
    await t.maxscale.get('/v1/servers/nope');
    await t.maxscale.get('/v1/services');
    await t.pip.post('/v1/sessions/get_sessions', {});
    const paths = async (query: string) =>
      (await t.admin.get(`/__apitwin/journal${query}`)).body.entries.map((e: { path: string }) => e.path) as string[];
    const cases: [string, string[]][] = [
      ['', ['/v1/sessions/get_sessions', '/v1/services', '/v1/servers/nope', '/v1/servers/server1', '/v1/servers']],
      ['?api=pip-sessions', ['/v1/sessions/get_sessions']],
      ['?operationId=getServer', ['/v1/servers/nope', '/v1/servers/server1']],
      ['?method=post', ['/v1/sessions/get_sessions']],
      ['?pathPrefix=/v1/servers/', ['/v1/servers/nope', '/v1/servers/server1']],
      ['?status=404', ['/v1/servers/nope']],
      ['?limit=2', ['/v1/sessions/get_sessions', '/v1/services']],
      [`?since=${encodeURIComponent(before)}&api=maxscale&limit=1`, ['/v1/services']],
      [`?until=${encodeURIComponent(before)}`, []],
    ];
    for (const [query, want] of cases) assert.deepEqual(await paths(query), want, query);
    assertProblem(await t.admin.get('/__apitwin/journal?status=abc'), 400, /status/);
  });

  test('keeps only the last --journal-size requests (a ring buffer)', async () => {
    const small = new Journal(3);
    const entry = (path: string) => ({ ...SAMPLE_ENTRY, path });
    for (const name of ['a', 'b', 'c', 'd', 'e']) small.add(entry(`/v1/servers/${name}`));
    assert.equal(small.size, 3);
    assert.deepEqual(
      small.list().map((e) => [e.id, e.path]),
      [
        [5, '/v1/servers/e'],
        [4, '/v1/servers/d'],
        [3, '/v1/servers/c'],
      ],
    );
    small.clear();
    small.add(entry('/v1/servers/f'));
    assert.deepEqual(
      small.list().map((e) => [e.id, e.path]),
      [[6, '/v1/servers/f']],
    );
    // Through HTTP: the configured capacity is the one reported.
    assert.equal((await t.admin.get('/__apitwin/journal')).body.capacity, 50);
  });

  test('clearing empties it; the admin API, Swagger UI and the specs are never journaled', async () => {
    await t.maxscale.get('/v1/servers');
    await request(t.apps.maxscale).get('/docs');
    await request(t.apps.maxscale).get('/openapi.json');
    assert.equal((await t.admin.get('/__apitwin/journal')).body.recorded, 1);
    assert.equal((await t.admin.delete('/__apitwin/journal')).status, 204);
    assert.deepEqual((await t.admin.get('/__apitwin/journal')).body.entries, []);
  });
});

describe('fault and latency rules', () => {
  const journal = async () => (await t.admin.get('/__apitwin/journal')).body.entries as { status: number; injected: unknown }[];

  test('a status rule answers the documented error document, changes no state, and is marked in the journal', async () => {
    const rule = await t.admin.post('/__apitwin/faults', { operationId: 'createServer', status: 403 });
    assert.equal(rule.status, 201);
    const res = await t.maxscale.post('/v1/servers', SERVER);
    assert.equal(res.status, 403);
    assert.ok(res.body.errors[0].detail, 'the documented example of the 403');
    assert.equal((await t.maxscale.get('/v1/servers/db9')).status, 404, 'nothing was created');
    const [, injected] = await journal();
    assert.deepEqual(injected?.injected, { by: 'fault', rule: rule.body.id, action: 'status' });
    assert.equal(injected?.status, 403);
  });

  test('a status the operation does not document is answered in the twin’s own error document', async () => {
    await t.admin.post('/__apitwin/faults', { api: 'pip-sessions', method: 'POST', path: '/v1/sessions/*', status: 503 });
    const res = await t.pip.post('/v1/sessions/open_session', { user_id: '1' }, { unchecked: true });
    assert.equal(res.status, 503);
    assert.equal(res.body.status, 503);
    assert.match(res.body.message, /Injected by apitwin fault rule f\d+/);
    assert.deepEqual((await t.pipAdmin.get('/__apitwin/state/pip-sessions')).body.sessions, [], 'no session was opened');
    const mx = await t.maxscale.get('/v1/servers');
    assert.equal(mx.status, 200, 'the rule is for pip only');
  });

  test('times: the rule applies that many times, counts down, then is gone; rules are listed and deleted by id', async () => {
    const rule = (await t.admin.post('/__apitwin/faults', { operationId: 'getServer', status: 404, times: 2 })).body;
    const other = (await t.admin.post('/__apitwin/faults', { operationId: 'listServices', status: 401 })).body;
    assert.equal(rule.remaining, 2);
    assert.equal((await t.maxscale.get('/v1/servers/server1')).status, 404);
    assert.deepEqual((await t.admin.get(`/__apitwin/faults/${rule.id}`)).body, { ...rule, remaining: 1, matched: 1 });
    assert.equal((await t.maxscale.get('/v1/servers/server1')).status, 404);
    assert.equal((await t.maxscale.get('/v1/servers/server1')).status, 200);
    assertProblem(await t.admin.get(`/__apitwin/faults/${rule.id}`), 404, new RegExp(`No fault rule '${rule.id}'`));
    assert.deepEqual(
      (await t.admin.get('/__apitwin/faults')).body.rules.map((r: { id: string }) => r.id),
      [other.id],
    );
    const refused = await t.maxscale.get('/v1/services');
    assert.equal(refused.status, 401);
    assert.ok(refused.headers['www-authenticate'], 'the documented header comes with the documented 401');
    assert.equal((await t.admin.delete(`/__apitwin/faults/${other.id}`)).status, 204);
    assertProblem(await t.admin.delete(`/__apitwin/faults/${other.id}`), 404);
    assert.equal((await t.maxscale.get('/v1/services')).status, 200);
  });

  test('a header criterion and a probability decide which requests are hit', async () => {
    await t.admin.post('/__apitwin/faults', { path: '/v1/servers', headers: { 'X-Test-Client': 'flaky' }, status: 500 });
    await t.admin.post('/__apitwin/faults', { path: '/v1/services/**', status: 500, probability: 0 });
    assert.equal((await t.maxscale.get('/v1/servers')).status, 200);
    assert.equal((await t.maxscale.get('/v1/servers', { headers: { 'X-Test-Client': 'flaky' }, unchecked: true })).status, 500);
    for (let i = 0; i < 5; i++) assert.equal((await t.maxscale.get('/v1/services/RW-Split-Router')).status, 200);
    assert.deepEqual((await t.admin.delete('/__apitwin/faults')).status === 204 && (await t.admin.get('/__apitwin/faults')).body.rules, []);
  });

  test('a delay slows the real answer (fixed, or drawn from a range) and is marked in the journal', async () => {
    await t.admin.post('/__apitwin/faults', { operationId: 'listServers', delayMs: 120 });
    const ranged = (await t.admin.post('/__apitwin/faults', { operationId: 'listMonitors', delayMs: 60, delayMaxMs: 90 })).body;
    assert.deepEqual([ranged.delayMs, ranged.delayMaxMs], [60, 90]);
    const started = Date.now();
    assert.equal((await t.maxscale.get('/v1/servers')).status, 200);
    assert.ok(Date.now() - started >= 110, 'the answer came after the delay');
    assert.equal((await t.maxscale.get('/v1/monitors')).status, 200);
    const [monitors, servers] = (await t.admin.get('/__apitwin/journal')).body.entries;
    assert.equal(servers.injected.action, 'delay');
    assert.ok(servers.durationMs >= 110);
    assert.ok(monitors.durationMs >= 55);
  });

  test('drop closes the connection without an answer; the journal says so with status 0', async () => {
    const rule = (await t.admin.post('/__apitwin/faults', { operationId: 'listServers', fault: 'drop', times: 1 })).body;
    await assert.rejects(request(t.apps.maxscale).get('/v1/servers').auth('admin', 'mariadb'), /socket hang up|ECONNRESET/);
    const [entry] = await journal();
    assert.equal(entry?.status, 0);
    assert.deepEqual(entry?.injected, { by: 'fault', rule: rule.id, action: 'drop' });
    assert.equal((await t.maxscale.get('/v1/servers')).status, 200, 'times: 1 — the next request is answered');
  });

  test('stall never answers: the client times out', async () => {
    await t.admin.post('/__apitwin/faults', { api: 'pip-sessions', operationId: 'getSessions', fault: 'stall' });
    await assert.rejects(request(t.apps.pip).post('/v1/sessions/get_sessions').send({}).timeout(300), /Timeout/);
    // The journal entry is written once the client has gone.
    for (let i = 0; i < 50 && (await journal()).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const [entry] = await journal();
    assert.equal(entry?.status, 0);
    assert.equal((entry?.injected as { action?: string } | undefined)?.action, 'stall');
    t.apps.admin?.close();
  });

  const refused: [string, unknown, RegExp][] = [
    ['a rule that does nothing', { operationId: 'listServers' }, /must do something/],
    ['a status and a fault together', { status: 500, fault: 'drop' }, /not both/],
    ['a range upside down', { delayMs: 100, delayMaxMs: 50 }, /delayMaxMs/],
    ['a status out of range', { status: 99 }, /status/],
    ['an unknown field', { status: 500, sometimes: true }, /sometimes/],
    ['an unknown fault', { fault: 'explode' }, /fault/],
  ];
  for (const [name, body, detail] of refused) {
    test(`refuses ${name} with a 400 problem document, adding nothing`, async () => {
      assertProblem(await t.admin.post('/__apitwin/faults', body), 400, detail);
      assert.deepEqual((await t.admin.get('/__apitwin/faults')).body.rules, []);
    });
  }

  test('the admin API refuses a body that is not JSON (415) and an Accept it cannot meet (406)', async () => {
    assertProblem(await t.admin.post('/__apitwin/faults', 'status=500', { contentType: 'text/plain' }), 415);
    assertProblem(await t.admin.get('/__apitwin/faults', { headers: { Accept: 'image/png' } }), 406);
  });
});

describe('the Prefer header', () => {
  test('Prefer: code=404 answers the documented 404 and changes nothing', async () => {
    const res = await t.maxscale.get('/v1/servers/server1', { headers: { Prefer: 'code=404' } });
    assert.equal(res.status, 404);
    assert.equal(res.body.errors[0].detail, "No service named 'no-such-service'", 'the documented example');
    const del = await t.maxscale.delete('/v1/servers/server1', { headers: { Prefer: 'code=403' } });
    assert.equal(del.status, 403);
    assert.equal((await t.maxscale.get('/v1/servers/server1')).status, 200, 'server1 was not deleted');
    const [entry] = (await t.admin.get('/__apitwin/journal?operationId=deleteServer')).body.entries;
    assert.deepEqual(entry.injected, { by: 'prefer', rule: null, action: 'status' });
  });

  test('Prefer: code=200 on a pip command answers its documented example without opening a session', async () => {
    const res = await t.pip.post('/v1/sessions/open_session', { user_id: '7' }, { headers: { Prefer: 'code=200' } });
    assert.equal(res.status, 200);
    assert.equal(res.body.user_id, '1', 'the documented example, not the request');
    assert.deepEqual((await t.pipAdmin.get('/__apitwin/state/pip-sessions')).body.sessions, []);
  });

  test('an undocumented code is a 400 in the twin’s error format that names the documented codes', async () => {
    const res = await t.maxscale.get('/v1/servers/server1', { headers: { Prefer: 'code=599' }, unchecked: true });
    assert.equal(res.status, 400);
    assert.match(res.body.errors[0].detail, /code=599 is not a documented response of getServer; documented: 200, .*404/);
    const pip = await t.pip.post('/v1/sessions/get_sessions', {}, { headers: { Prefer: 'code=503' } });
    assert.equal(pip.status, 400);
    assert.match(pip.body.message, /documented: 200, 400/);
  });

  test('Prefer: example=NAME with no such example is a 400 that lists the named examples', async () => {
    const res = await t.maxscale.get('/v1/servers', { headers: { Prefer: 'example=big' }, unchecked: true });
    assert.equal(res.status, 400);
    assert.match(res.body.errors[0].detail, /example=big names no response example of listServers; named examples: none/);
  });
});

describe('state export, import and reset', () => {
  const resources = ['/v1/servers', '/v1/services', '/v1/monitors', '/v1/filters', '/v1/sessions', '/v1/users/inet', '/v1/maxscale/logs'];
  const answers = async (app: Listener) => {
    const http = await testHttp(app, 'maxscale');
    const bodies = await Promise.all(resources.map(async (path) => (await http.get(path)).body));
    // A listener's session is connected when its listener starts, and a reset or an import starts
    // the listeners again: the time may be a second later, and is not what these tests compare.
    return JSON.parse(JSON.stringify(bodies).replace(/"connected":"[^"]*"/g, '"connected":"(start)"'));
  };

  /** A state unlike the start: a new server in a service, one in maintenance, a deleted filter's service link… */
  async function changeMaxscale(): Promise<void> {
    await t.maxscale.post('/v1/servers', SERVER);
    await t.maxscale.patch('/v1/services/RW-Split-Router/relationships/servers', {
      data: [
        { id: 'server1', type: 'servers' },
        { id: 'db9', type: 'servers' },
      ],
    });
    await t.maxscale.put('/v1/servers/server2/set?state=maintenance');
    await t.maxscale.post('/v1/users/inet', { data: { id: 'reader', type: 'inet', attributes: { password: 'pw', account: 'basic' } } });
  }

  test('export → import gives identical answers', async () => {
    await changeMaxscale();
    const changed = await answers(t.apps.maxscale);
    const file = (await t.admin.get('/__apitwin/state/maxscale')).body;
    assert.equal((await t.admin.post('/__apitwin/state/reset')).status, 204);
    assert.notDeepEqual(await answers(t.apps.maxscale), changed);
    assert.equal((await t.admin.put('/__apitwin/state/maxscale', file)).status, 204);
    assert.deepEqual(await answers(t.apps.maxscale), changed);
    assert.equal((await request(t.apps.maxscale).get('/v1/servers').auth('reader', 'pw')).status, 200, 'passwords came along');
  });

  test('the export is a data file --data-file accepts: a twin started from it answers the same', async () => {
    await changeMaxscale();
    const file = (await t.admin.get('/__apitwin/state/maxscale')).body;
    const path = join(mkdtempSync(join(tmpdir(), 'apitwin-export-')), 'state.json');
    writeFileSync(path, JSON.stringify(file, null, 2));
    const started = await createApp(testConfig({ dataFile: path }));
    assert.deepEqual(await answers(started.maxscale), await answers(t.apps.maxscale));
  });

  const badFiles: [string, unknown, RegExp][] = [
    [
      'names a server that does not exist',
      {
        services: [
          {
            name: 's',
            router: 'readconnroute',
            state: 'Started',
            started: 'x',
            total_connections: 0,
            connections: 0,
            parameters: {},
            servers: ['ghost'],
            filters: [],
          },
        ],
      },
      /unknown server 'ghost'/,
    ],
    ['breaks the schema', { servers: [{ name: 'x' }] }, /servers\/0/],
    [
      'names a user twice',
      {
        users: [
          { name: 'u', type: 'inet', account: 'admin' },
          { name: 'u', type: 'inet', account: 'basic' },
        ],
      },
      /users 'inet:u'/,
    ],
  ];
  for (const [name, file, detail] of badFiles) {
    test(`an import that ${name} is a 400 and changes nothing`, async () => {
      await changeMaxscale();
      const before = await answers(t.apps.maxscale);
      assertProblem(await t.admin.put('/__apitwin/state/maxscale', file), 400, detail);
      assert.deepEqual(await answers(t.apps.maxscale), before);
    });
  }

  test('pip-sessions: export → import gives identical answers, and reset empties it', async () => {
    const a = (await t.pip.post('/v1/sessions/open_session', { user_id: '1', user_name: 'A', data: { k: 1 } })).body;
    await t.pip.post('/v1/sessions/open_session', { user_id: '2' });
    await t.pip.post('/v1/sessions/close_session', { session_id: a.id });
    const list = async () => (await t.pip.post('/v1/sessions/get_sessions', { paging: { total: true } })).body;
    const one = async () => (await t.pip.post('/v1/sessions/get_session_by_id', { session_id: a.id })).body;
    const changed = [await list(), await one()];
    const file = (await t.pipAdmin.get('/__apitwin/state/pip-sessions')).body;
    assert.equal(file.sessions.length, 2);
    assert.equal((await t.pipAdmin.post('/__apitwin/state/reset')).status, 204);
    assert.deepEqual((await list()).data, []);
    assert.equal((await t.pipAdmin.put('/__apitwin/state/pip-sessions', file)).status, 204);
    assert.deepEqual([await list(), await one()], changed);
  });

  test('a pip import with two sessions of one id is a 400 and changes nothing', async () => {
    await t.pip.post('/v1/sessions/open_session', { user_id: '1' });
    const before = (await t.pipAdmin.get('/__apitwin/state/pip-sessions')).body;
    const session = { ...before.sessions[0], id: 'same' };
    assertProblem(
      await t.pipAdmin.put('/__apitwin/state/pip-sessions', { sessions: [session, session] }),
      400,
      /used by an earlier session/,
    );
    assert.deepEqual((await t.pipAdmin.get('/__apitwin/state/pip-sessions')).body, before);
  });

  test('reset puts MaxScale back to its start state, whichever port is asked', async () => {
    const start = await answers(t.apps.maxscale);
    await changeMaxscale();
    assert.equal((await t.pipAdmin.post('/__apitwin/state/reset')).status, 204);
    assert.deepEqual(await answers(t.apps.maxscale), start);
  });
});
