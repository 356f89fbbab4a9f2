/**
 * The front lane: a read answered again from the kept answer must be the
 * answer Express would give (same status, headers and bytes), must never
 * outlive a change of the state, and must not hide what the full flow checks
 * (credentials, preconditions, malformed bodies).
 */
import assert from 'node:assert/strict';
import { describe, mock, test } from 'node:test';
import type { Response } from 'supertest';
import { type Apps, createApp } from '../app.js';
import { testConfig } from '../config.js';
import type { SessionRecord } from '../pip/store.js';
import { type TestHttp, testHttp } from '../testing/http.js';

/** The headers that differ between two answers of the same content by nature. */
const PER_REQUEST = new Set(['date', 'x-request-id', 'connection', 'keep-alive']);

function sameAnswer(a: Response, b: Response): void {
  assert.equal(b.status, a.status);
  assert.deepEqual(b.text, a.text);
  const headers = (r: Response) => Object.fromEntries(Object.entries(r.headers).filter(([k]) => !PER_REQUEST.has(k)));
  assert.deepEqual(headers(b), headers(a));
  assert.match(String(b.headers['x-request-id']), /./, 'the lane logs and tags the request as the app does');
}

const session = (id: string, user: string): SessionRecord => ({
  id,
  user_id: user,
  user_name: null,
  active: true,
  open_time: '2024-05-01T10:00:00.000Z',
  request_time: '2024-05-01T10:00:00.000Z',
  address: null,
  client: null,
  user: null,
  data: null,
});

describe('MaxScale GETs answered again from the kept answer', () => {
  let apps: Apps;
  let http: TestHttp;
  const get = (path: string, headers: Record<string, string> = {}) => http.get(path, { headers });

  test('a second GET is the first one byte for byte, without running the handler again', async () => {
    apps = await createApp(testConfig({ adminApi: false }));
    http = await testHttp(apps.maxscale, 'maxscale');
    const first = await get('/v1/services');
    const list = mock.method(apps.maxscaleModel.services, 'list');
    const second = await get('/v1/services');
    sameAnswer(first, second);
    assert.equal(list.mock.callCount(), 0);
    list.mock.restore();
  });

  test('HEAD answers the kept GET headers without a body', async () => {
    const gotten = await get('/v1/servers/server1');
    const head = await http.request('HEAD', '/v1/servers/server1');
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], gotten.headers['content-length']);
    assert.equal(head.headers.etag, gotten.headers.etag);
    assert.equal(head.text, undefined);
  });

  test('a write is seen by the next GET, on its own path and on the paths it links', async () => {
    await get('/v1/servers');
    await get('/v1/services/RW-Split-Router');
    const created = await http.post('/v1/servers', {
      data: {
        id: 'lane-server',
        type: 'servers',
        attributes: { parameters: { address: '127.0.0.1', port: 3306 } },
        relationships: { services: { data: [{ id: 'RW-Split-Router', type: 'services' }] } },
      },
    });
    assert.equal(created.status, 204);
    assert.ok((await get('/v1/servers')).body.data.some((s: { id: string }) => s.id === 'lane-server'));
    const service = await get('/v1/services/RW-Split-Router');
    assert.ok(service.body.data.relationships.servers.data.some((s: { id: string }) => s.id === 'lane-server'));
  });

  test('wrong credentials, a precondition and a method override still get the full flow', async () => {
    const kept = await get('/v1/servers/server1');
    assert.equal((await http.get('/v1/servers/server1', { auth: ['admin', 'nope'] })).status, 401);
    assert.equal((await get('/v1/servers/server1', { 'If-None-Match': String(kept.headers.etag) })).status, 304);
    // Checked as the DELETE it became, not as a GET.
    const overridden = await http.get('/v1/servers/server1', { headers: { 'X-HTTP-Method-Override': 'DELETE' }, unchecked: true });
    assert.notEqual(overridden.status, 200, 'the override made it a DELETE');
  });
});

describe('pip reads answered again from the kept answer', () => {
  let apps: Apps;
  let http: TestHttp;
  const command = (name: string, body: unknown, headers: Record<string, string> = {}) =>
    http.post(`/v1/sessions/${name}`, body, { headers });

  test('a second get_sessions with the same body is the first one byte for byte, without running the command', async () => {
    apps = await createApp(testConfig({ adminApi: false }));
    http = await testHttp(apps.pip, 'pip-sessions');
    apps.pipModel.reset([session('s1', 'u1'), session('s2', 'u2')]);
    const args = { filter: { user_id: 'u1' }, paging: { take: 5 } };
    const first = await command('get_sessions', args);
    assert.deepEqual(
      first.body.data.map((s: { id: string }) => s.id),
      ['s1'],
    );
    const run = mock.method(apps.pipModel, 'getSessions');
    sameAnswer(first, await command('get_sessions', args));
    assert.equal(run.mock.callCount(), 0);
    // Another body is another question.
    const other = await command('get_sessions', { filter: { user_id: 'u2' } });
    assert.deepEqual(
      other.body.data.map((s: { id: string }) => s.id),
      ['s2'],
    );
    assert.equal(run.mock.callCount(), 1);
    run.mock.restore();
  });

  test('every way the sessions change is seen by the next read: a command, the store, the expiry sweep', async () => {
    const ids = async () => (await command('get_sessions', {})).body.data.map((s: { id: string }) => s.id);
    apps.pipModel.reset([session('s1', 'u1')]);
    assert.deepEqual(await ids(), ['s1']);
    const opened = await command('open_session', { user_id: 'u3' });
    assert.deepEqual(await ids(), ['s1', opened.body.id]);
    apps.pipModel.store.insert(session('s9', 'u9'));
    assert.deepEqual(await ids(), ['s1', opened.body.id, 's9']);
    assert.equal((await command('get_session_by_id', { session_id: 's1' })).body.active, true);
    assert.ok(apps.pipModel.closeExpiredSessions() >= 1, 's1 was last requested in 2024');
    assert.equal((await command('get_session_by_id', { session_id: 's1' })).body.active, false);
  });

  test('a malformed body is refused in the error format every time, and a body of another type is no arguments', async () => {
    for (let i = 0; i < 2; i++) {
      const bad = await command('get_sessions', '{"filter":');
      assert.equal(bad.status, 400);
      assert.equal(typeof bad.body.message, 'string');
    }
    const text = await http.post('/v1/sessions/get_sessions', '{"filter":', { contentType: 'text/plain' });
    assert.equal(text.status, 200);
    // An Accept nothing satisfies is still a 406, kept answer or not.
    await command('get_sessions', {});
    assert.equal((await command('get_sessions', {}, { Accept: 'image/png' })).status, 406);
  });
});
