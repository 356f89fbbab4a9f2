/**
 * The pip-sessions twin over HTTP, through `createApp`: every response is
 * checked against openapi/pip-sessions.yaml by testHttp.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OpenAPIV3 } from 'openapi-types';
import { defaultConfig, testConfig } from '../config.js';
import { createLogger } from '../log.js';
import { loadSpec } from '../spec/load.js';
import { testHttp } from '../testing/http.js';
import { ids, useTwin } from '../testing/twin.js';
import { createPipApp } from './app.js';
import { EXAMPLE_SESSIONS } from './examples.js';
import { MemorySessionsStore } from './memory-store.js';
import type { SessionRecord } from './store.js';

const twin = useTwin('pip-sessions');

const V1 = '/v1/sessions';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

/** A stored session with fixed times, put straight into the store (the API cannot set times). */
function stored(id: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  const s: SessionRecord = {
    id,
    user_id: 'u1',
    user_name: 'User One',
    active: true,
    open_time: '2024-05-01T10:00:00.000Z',
    request_time: '2024-05-01T10:00:00.000Z',
    address: '10.0.0.1',
    client: 'test',
    user: { id: 'u1' },
    data: { cart: [1] },
    ...overrides,
  };
  twin.apps.pipModel.store.insert(s);
  return s;
}

async function open(body: Record<string, unknown> = { user_id: 'u1' }): Promise<Record<string, unknown> & { id: string }> {
  const res = await twin.http.post(`${V1}/open_session`, body);
  assert.equal(res.status, 200);
  return res.body;
}

describe('pip-sessions commands', () => {
  test('open_session answers the new session: a 32-hex id, active, opened and requested now, missing arguments null', async () => {
    const before = Date.now();
    const s = await open({ user_id: '1', user_name: 'Test User', user: { roles: ['user'] } });
    assert.match(s.id, /^[0-9a-f]{32}$/);
    assert.equal(s.active, true);
    assert.match(String(s.open_time), ISO);
    assert.equal(s.request_time, s.open_time);
    assert.ok(Date.parse(String(s.open_time)) >= before - 1 && Date.parse(String(s.open_time)) <= Date.now());
    assert.deepEqual(
      { ...s, id: undefined, open_time: undefined, request_time: undefined },
      {
        id: undefined,
        user_id: '1',
        user_name: 'Test User',
        active: true,
        open_time: undefined,
        request_time: undefined,
        address: null,
        client: null,
        user: { roles: ['user'] },
        data: null,
      },
    );
    assert.ok(!('close_time' in s), 'an open session has no close_time');
    assert.notEqual((await open()).id, s.id);
  });

  test("every command answers the same under /v1/sessions and the protocol document's /sessions", async () => {
    const s = (await twin.http.post('/sessions/open_session', { user_id: 'u9' })).body;
    assert.deepEqual((await twin.http.post(`${V1}/get_session_by_id`, { session_id: s.id })).body, s);
    assert.deepEqual((await twin.http.post('/sessions/get_session_by_id', { session_id: s.id })).body, s);
    assert.deepEqual(ids(await twin.http.post('/sessions/get_sessions', {})), [s.id]);
    assert.equal((await twin.http.post('/sessions/store_session_data', { session_id: s.id, data: { a: 1 } })).body.data.a, 1);
    assert.deepEqual((await twin.http.post('/sessions/update_session_user', { session_id: s.id, user: { b: 2 } })).body.user, { b: 2 });
    assert.equal((await twin.http.post('/sessions/close_session', { session_id: s.id })).body.active, false);
    assert.equal((await twin.http.post('/sessions/close_expired_sessions', {})).status, 204);
    assert.equal((await twin.http.post('/sessions/delete_session_by_id', { session_id: s.id })).body.id, s.id);
    assert.equal((await twin.http.post('/sessions/get_session_by_id', { session_id: s.id })).status, 204);
  });

  test('get_session_by_id answers the session with its user and data, and 204 with no body for an unknown id', async () => {
    const s = await open({ user_id: 'u1', user: { name: 'x' }, data: { cart: [1, 2] } });
    const found = await twin.http.post(`${V1}/get_session_by_id`, { session_id: s.id });
    assert.equal(found.status, 200);
    assert.deepEqual(found.body, s);
    const missing = await twin.http.post(`${V1}/get_session_by_id`, { session_id: 'no-such-session' });
    assert.equal(missing.status, 204);
    assert.equal(missing.text, '');
  });

  test('get_sessions lists sessions in opening order without user and data, with total null unless asked', async () => {
    const a = await open({ user_id: 'u1', user: { x: 1 }, data: { y: 2 } });
    const b = await open({ user_id: 'u2' });
    const res = await twin.http.post(`${V1}/get_sessions`, {});
    assert.equal(res.status, 200);
    assert.deepEqual(ids(res), [a.id, b.id]);
    assert.equal(res.body.total, null, 'the real service sends "total": null when no total was asked for');
    const { user: _user, data: _data, ...summary } = a;
    assert.deepEqual(res.body.data[0], summary);
    const counted = await twin.http.post(`${V1}/get_sessions`, { paging: { total: true } });
    assert.equal(counted.body.total, 2);
  });

  test('get_sessions pages: skip, take, take 0 or none is 100, take is capped at 100, total counts all matches', async () => {
    twin.apps.pipModel.store.transaction(() => {
      for (let i = 0; i < 150; i++) stored(`s${String(i).padStart(3, '0')}`, { user_id: i % 2 ? 'odd' : 'even' });
    });
    const page = async (paging: Record<string, unknown> | undefined, filter?: Record<string, unknown>) =>
      (await twin.http.post(`${V1}/get_sessions`, { ...(paging ? { paging } : {}), ...(filter ? { filter } : {}) })).body;
    const table: Array<[string, Record<string, unknown> | undefined, number, string | undefined]> = [
      ['no paging', undefined, 100, 's000'],
      ['take 0 means the default', { take: 0 }, 100, 's000'],
      ['take is capped at the largest page', { take: 1000 }, 100, 's000'],
      ['skip and take', { skip: 10, take: 5 }, 5, 's010'],
      ['skip past the end', { skip: 150 }, 0, undefined],
      ['the last page', { skip: 140, take: 20 }, 10, 's140'],
      ['null values are the defaults', { skip: null, take: null, total: null }, 100, 's000'],
      // PagingParams' conversions, as the real service makes them.
      ['a fractional take is rounded up', { take: 1.5 }, 2, 's000'],
      ['a fractional skip is rounded up', { skip: 1.2, take: 1 }, 1, 's002'],
      ['a negative skip skips nothing', { skip: -3, take: 1 }, 1, 's000'],
      ['a negative take is an empty page', { take: -1 }, 0, undefined],
      ['take -0.5 rounds to 0, the default', { take: -0.5 }, 100, 's000'],
      ['paging that is not an object is the default', 'abc' as unknown as Record<string, unknown>, 100, 's000'],
      ['unknown paging members are ignored', { take: 1, page: 7 }, 1, 's000'],
    ];
    for (const [name, paging, length, first] of table) {
      const body = await page(paging);
      assert.equal(body.data.length, length, name);
      assert.equal(body.data[0]?.id, first, name);
    }
    const counted = await page({ skip: 5, take: 3, total: true }, { user_id: 'odd' });
    assert.deepEqual([counted.total, counted.data.map((s: { id: string }) => s.id)], [75, ['s011', 's013', 's015']]);
  });

  test('get_sessions filters by id, user, active (a boolean or the string FilterParams send) and from_time <= request_time < to_time', async () => {
    stored('a', { user_id: 'u1', request_time: '2024-05-01T10:00:00.000Z' });
    stored('b', { user_id: 'u2', request_time: '2024-05-01T11:00:00.000Z', active: false, close_time: '2024-05-01T11:00:00.000Z' });
    stored('c', { user_id: 'u1', request_time: '2024-05-01T12:00:00.000Z' });
    stored('d', { user_id: 'u1', request_time: '2024-05-02T00:00:00.000Z', active: false, close_time: '2024-05-02T00:00:00.000Z' });
    const table: Array<[unknown, string[]]> = [
      [null, ['a', 'b', 'c', 'd']],
      ['', ['a', 'b', 'c', 'd']],
      [{}, ['a', 'b', 'c', 'd']],
      [{ id: 'c' }, ['c']],
      [{ user_id: 'u1' }, ['a', 'c', 'd']],
      [{ active: true }, ['a', 'c']],
      [{ active: 'true' }, ['a', 'c']],
      [{ active: 'False' }, ['b', 'd']],
      [{ active: '0' }, ['b', 'd']],
      [{ active: null, id: null }, ['a', 'b', 'c', 'd']],
      [{ user_id: 'u1', active: 'false' }, ['d']],
      // The intended meaning; the real service keeps the sessions outside this range instead.
      [{ from_time: '2024-05-01T11:00:00.000Z' }, ['b', 'c', 'd']],
      [{ to_time: '2024-05-01T11:00:00Z' }, ['a']],
      [{ from_time: '2024-05-01T10:30:00+00:00', to_time: '2024-05-01T12:00:00.000Z' }, ['b']],
      [{ from_time: '2024-05-01T12:30:00+02:00' }, ['b', 'c', 'd']],
      [{ from_time: '2024-05-02' }, ['d']],
      // FilterParams' conversions: every value is a string, what cannot be read is no filter, unknown keys are ignored.
      [{ active: 5 }, ['a', 'b', 'c', 'd']],
      [{ active: 0 }, ['b', 'd']],
      [{ active: 'maybe' }, ['a', 'b', 'c', 'd']],
      [{ active: 'Y' }, ['a', 'c']],
      [{ from_time: 'yesterday' }, ['a', 'b', 'c', 'd']],
      [{ to_time: '2024-13-45T99:00:00Z' }, ['a', 'b', 'c', 'd']],
      [{ user_id: '' }, ['a', 'b', 'c', 'd']],
      [{ user_id: ['u2'] }, ['b']],
      [{ USER_ID: 'u2', search: 'x' }, ['a', 'b', 'c', 'd']],
    ];
    for (const [filter, want] of table) {
      const res = await twin.http.post(`${V1}/get_sessions`, { filter });
      assert.equal(res.status, 200, JSON.stringify(filter));
      assert.deepEqual(ids(res), want, JSON.stringify(filter));
    }
  });

  test('store_session_data replaces data (no merge) and sets request_time to now; an unknown id is 204', async () => {
    const s = stored('a', { data: { keep: 'no', cart: [1] } });
    const res = await twin.http.post(`${V1}/store_session_data`, { session_id: 'a', data: { cart: [2] } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.data, { cart: [2] });
    assert.deepEqual(res.body.user, s.user);
    assert.ok(res.body.request_time > s.request_time);
    assert.equal(res.body.open_time, s.open_time);
    assert.deepEqual((await twin.http.post(`${V1}/get_session_by_id`, { session_id: 'a' })).body, res.body);
    assert.equal((await twin.http.post(`${V1}/store_session_data`, { session_id: 'nope', data: {} })).status, 204);
  });

  test('update_session_user replaces user and sets request_time to now; an unknown id is 204', async () => {
    const s = stored('a', { user: { name: 'old', roles: ['x'] } });
    const res = await twin.http.post(`${V1}/update_session_user`, { session_id: 'a', user: { name: 'new' } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.user, { name: 'new' });
    assert.deepEqual(res.body.data, s.data);
    assert.ok(res.body.request_time > s.request_time);
    assert.equal((await twin.http.post(`${V1}/update_session_user`, { session_id: 'nope', user: {} })).status, 204);
  });

  test('close_session clears user and data, sets active false and close_time = request_time = now; closing again is 200 with new times', async () => {
    stored('a');
    const closed = await twin.http.post(`${V1}/close_session`, { session_id: 'a' });
    assert.equal(closed.status, 200);
    assert.equal(closed.body.active, false);
    assert.equal(closed.body.user, null);
    assert.equal(closed.body.data, null);
    assert.match(closed.body.close_time, ISO);
    assert.equal(closed.body.close_time, closed.body.request_time);
    assert.equal(closed.body.open_time, '2024-05-01T10:00:00.000Z');
    await new Promise((r) => setTimeout(r, 5));
    const again = await twin.http.post(`${V1}/close_session`, { session_id: 'a' });
    assert.equal(again.status, 200);
    assert.equal(again.body.active, false);
    assert.ok(again.body.close_time > closed.body.close_time);
    assert.equal((await twin.http.post(`${V1}/close_session`, { session_id: 'nope' })).status, 204);
  });

  test('close_expired_sessions closes the active sessions idle longer than the expire timeout (24 h) and answers 204', async () => {
    stored('idle', { request_time: hoursAgo(25) });
    stored('recent', { request_time: hoursAgo(23) });
    const old = stored('closed-long-ago', { request_time: hoursAgo(48), active: false, close_time: hoursAgo(48), user: null, data: null });
    const res = await twin.http.post(`${V1}/close_expired_sessions`, {});
    assert.equal(res.status, 204);
    assert.equal(res.text, '');
    const get = async (id: string) => (await twin.http.post(`${V1}/get_session_by_id`, { session_id: id })).body;
    const idle = await get('idle');
    assert.deepEqual([idle.active, idle.user, idle.data, idle.close_time === idle.request_time], [false, null, null, true]);
    assert.ok(Date.parse(idle.close_time) > Date.now() - 60_000, 'closed now');
    assert.equal((await get('recent')).active, true);
    assert.equal((await get('closed-long-ago')).close_time, old.close_time, 'a closed session is not closed again');
  });

  test('delete_session_by_id answers the deleted session as it was, then 204', async () => {
    const s = await open({ user_id: 'u1', data: { a: 1 } });
    const res = await twin.http.post(`${V1}/delete_session_by_id`, { session_id: s.id });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, s);
    assert.equal((await twin.http.post(`${V1}/get_session_by_id`, { session_id: s.id })).status, 204);
    assert.equal((await twin.http.post(`${V1}/delete_session_by_id`, { session_id: s.id })).status, 204);
  });
});

describe('pip-sessions errors', () => {
  // [command, body, message]: the messages are those of Pip.Services' validator for the same input.
  const invalid: Array<[string, unknown, string]> = [
    ['get_session_by_id', {}, 'Validation failed: session_id must not be null'],
    ['get_session_by_id', { session_id: null }, 'Validation failed: session_id must not be null'],
    ['get_session_by_id', { session_id: 123 }, 'Validation failed: session_id type must be string but found long'],
    ['close_session', { session_id: 1.5 }, 'Validation failed: session_id type must be string but found double'],
    ['close_session', { session_id: true }, 'Validation failed: session_id type must be string but found boolean'],
    ['delete_session_by_id', { session_id: [1] }, 'Validation failed: session_id type must be string but found array'],
    ['delete_session_by_id', { session_id: { a: 1 } }, 'Validation failed: session_id type must be string but found map'],
    ['open_session', {}, 'Validation failed: user_id must not be null'],
    [
      'open_session',
      { user_id: 5, user_name: 7 },
      'Validation failed: user_id type must be string but found long, user_name type must be string but found long',
    ],
    ['store_session_data', { session_id: 'x' }, 'Validation failed: data must not be null'],
    ['store_session_data', { session_id: 'x', data: null }, 'Validation failed: data must not be null'],
    ['update_session_user', { session_id: 'x' }, 'Validation failed: user must not be null'],
    ['get_sessions', { filter: 'x' }, 'Validation failed: filter type must be Map'],
    ['get_sessions', { filter: [1] }, 'Validation failed: filter type must be Map'],
    [
      'get_sessions',
      { paging: { skip: '1', take: '1' } },
      'Validation failed: paging.skip type must be long but found string, paging.take type must be long but found string',
    ],
    ['get_sessions', { paging: { total: 'true' } }, 'Validation failed: paging.total type must be boolean but found string'],
    ['get_sessions', { paging: { total: 1 } }, 'Validation failed: paging.total type must be boolean but found long'],
    [
      'get_sessions',
      { filter: true, paging: { skip: 'x' } },
      'Validation failed: filter type must be Map, paging.skip type must be long but found string',
    ],
    // In the order the command declares its arguments, as Pip.Services' ObjectSchema checks them.
    ['store_session_data', { session_id: 5 }, 'Validation failed: session_id type must be string but found long, data must not be null'],
    ['update_session_user', {}, 'Validation failed: session_id must not be null, user must not be null'],
    [
      'open_session',
      { client: 1, user_id: null },
      'Validation failed: user_id must not be null, client type must be string but found long',
    ],
  ];
  for (const [command, body, message] of invalid) {
    test(`${command} ${JSON.stringify(body)} is 400 INVALID_DATA: ${message.slice('Validation failed: '.length)}`, async () => {
      const res = await twin.http.post(`${V1}/${command}?correlation_id=c-42`, body);
      assert.equal(res.status, 400);
      assert.equal(res.body.code, 'INVALID_DATA');
      assert.equal(res.body.category, 'BadRequest');
      assert.equal(res.body.status, 400);
      assert.equal(res.body.message, message);
      assert.equal(res.body.correlation_id, 'c-42');
      assert.ok(Array.isArray(res.body.details.results) && res.body.details.results.length > 0);
    });
  }

  test('a refused command changes nothing', async () => {
    const s = await open();
    await twin.http.post(`${V1}/store_session_data`, { session_id: s.id, data: null });
    assert.deepEqual((await twin.http.post(`${V1}/get_session_by_id`, { session_id: s.id })).body, s);
  });

  test("malformed JSON is 400 InvalidContent with the parser's message, in restify's short body", async () => {
    const res = await twin.http.post(`${V1}/get_session_by_id?correlation_id=abc`, '{bad');
    assert.equal(res.status, 400);
    assert.deepEqual(Object.keys(res.body), ['code', 'message']);
    assert.equal(res.body.code, 'InvalidContent');
    assert.match(res.body.message, /^Invalid JSON: /);
  });

  test('a body that is not a JSON object, or not JSON at all, is read as no arguments', async () => {
    await open();
    const bodies: Array<[string, string, string | undefined]> = [
      ['JSON null', 'null', 'application/json'],
      ['a JSON array', '[{"session_id":"x"}]', 'application/json'],
      ['a JSON string', '"x"', 'application/json'],
      ['a JSON number', '5', 'application/json'],
      ['form-urlencoded', 'session_id=x', 'application/x-www-form-urlencoded'],
      ['JSON as text/plain', '{"session_id":"x"}', 'text/plain'],
    ];
    for (const [name, body, contentType] of bodies) {
      const one = await twin.http.post(`${V1}/get_session_by_id`, body, { contentType });
      assert.equal(one.status, 400, name);
      assert.equal(one.body.message, 'Validation failed: session_id must not be null', name);
      const page = await twin.http.post(`${V1}/get_sessions`, body, { contentType });
      assert.deepEqual([page.status, page.body.total, page.body.data.length], [200, null, 1], name);
    }
  });

  test('members a command does not take are ignored, on every command', async () => {
    const s = await open({ user_id: 'u1', id: 'mine', active: false, extra: 1 });
    assert.match(s.id, /^[0-9a-f]{32}$/);
    assert.equal(s.active, true);
    assert.ok(!('extra' in s));
    const found = await twin.http.post(`${V1}/get_session_by_id`, { session_id: s.id, extra: [1] });
    assert.equal(found.status, 200);
    assert.equal((await twin.http.post(`${V1}/close_expired_sessions`, { now: true })).status, 204);
    assert.equal((await twin.http.post(`${V1}/get_sessions`, { filter: { search: 'x' }, page: 2 })).status, 200);
  });

  test('user and data take any JSON value, stored and returned as sent; falsy arguments are stored as null, as the real service reads them', async () => {
    for (const value of ['abc', 42, 1.5, true, [1, 'two'], { a: { b: [null] } }]) {
      const s = await open({ user_id: 'u1', user: value, data: value });
      assert.deepEqual([s.user, s.data], [value, value], JSON.stringify(value));
      assert.deepEqual((await twin.http.post(`${V1}/get_session_by_id`, { session_id: s.id })).body, s);
      const stored = await twin.http.post(`${V1}/store_session_data`, { session_id: s.id, data: value });
      assert.deepEqual(stored.body.data, value);
    }
    const falsy = await open({ user_id: '', user_name: '', address: '', client: '', user: 0, data: false });
    assert.deepEqual(
      [falsy.user_id, falsy.user_name, falsy.address, falsy.client, falsy.user, falsy.data],
      [null, null, null, null, null, null],
    );
  });

  test('a trailing slash or an upper-case command is an unknown path (404)', async () => {
    for (const path of [`${V1}/get_sessions/`, `${V1}/GET_SESSIONS`]) {
      const res = await twin.http.post(path, {}, { unchecked: true });
      assert.equal(res.status, 404, path);
      assert.deepEqual(res.body, { code: 'ResourceNotFound', message: `${path} does not exist` });
    }
  });

  test('query parameters are never refused: unknown ones and a repeated correlation_id are ignored', async () => {
    const s = await open();
    const res = await twin.http.post(`${V1}/get_session_by_id?foo=bar&correlation_id=a&correlation_id=b`, { session_id: s.id });
    assert.equal(res.status, 200);
    assert.equal((await twin.http.get('/heartbeat?x=1')).status, 200);
  });

  test('an empty body counts as {}', async () => {
    await open();
    const list = await twin.http.request('POST', `${V1}/get_sessions`);
    assert.equal(list.status, 200);
    assert.equal(list.body.data.length, 1);
    assert.equal((await twin.http.request('POST', `${V1}/close_expired_sessions`)).status, 204);
    const missing = await twin.http.request('POST', `${V1}/get_session_by_id`);
    assert.equal(missing.status, 400);
    assert.equal(missing.body.message, 'Validation failed: session_id must not be null');
  });

  test('no error carries a stack trace, whatever went wrong', async () => {
    const responses = [
      await twin.http.post(`${V1}/get_session_by_id`, {}),
      await twin.http.post(`${V1}/get_session_by_id`, '{bad'),
      await twin.http.post(`${V1}/no_such_command`, {}, { unchecked: true }),
      await twin.http.get(`${V1}/get_sessions`, { unchecked: true }),
    ];
    for (const res of responses) {
      assert.ok(res.status >= 400);
      for (const leak of ['stack', 'stack_trace']) assert.ok(!(leak in res.body), `${res.status} has no ${leak}`);
      assert.doesNotMatch(res.text, /\bat .*\(.*:\d+:\d+\)/, 'no stack frames anywhere');
    }
  });

  test('an unknown command is 404 ResourceNotFound "<path> does not exist"', async () => {
    const res = await twin.http.post(`${V1}/nope?correlation_id=x`, {}, { unchecked: true });
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, { code: 'ResourceNotFound', message: '/v1/sessions/nope does not exist' });
  });

  test('another method on a command path is 405 MethodNotAllowed with Allow: POST', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await twin.http.request(method, '/sessions/get_sessions', { unchecked: true });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.allow, 'POST');
      assert.deepEqual(res.body, { code: 'MethodNotAllowed', message: `${method} is not allowed` });
    }
  });

  test('bodies of a few MiB are accepted (the real service has no limit)', async () => {
    const blob = 'x'.repeat(3 * 1024 * 1024);
    const s = await open({ user_id: 'u1', data: { blob } });
    assert.equal((s.data as { blob: string }).blob.length, blob.length);
  });

  test("a body over --pip-max-body-size is 413 PayloadTooLarge in restify's words, and opens nothing", async () => {
    const config = testConfig({ pip: { ...defaultConfig().pip, maxBodyBytes: 1024 } });
    const { app } = await createPipApp(config, new MemorySessionsStore(), { logger: createLogger(config) });
    const http = await testHttp(app, 'pip-sessions');
    const res = await http.post(`${V1}/open_session`, { user_id: 'u1', data: { blob: 'x'.repeat(2000) } });
    assert.equal(res.status, 413);
    assert.deepEqual(res.body, { code: 'PayloadTooLarge', message: 'Request body size exceeds 1024' });
    assert.equal((await http.post(`${V1}/get_sessions`, {})).body.data.length, 0, 'nothing was opened');
  });

  test("an Accept header that rules out JSON is 406 NotAcceptable in restify's short body", async () => {
    const html = await twin.http.post(`${V1}/get_sessions`, {}, { headers: { Accept: 'text/html' } });
    assert.equal(html.status, 406);
    assert.deepEqual(html.body, {
      code: 'NotAcceptable',
      message: 'Server accepts: application/json,text/plain,application/octet-stream,application/javascript',
    });
    assert.equal((await twin.http.get('/heartbeat', { headers: { Accept: 'image/png' } })).status, 406);
  });
});

describe('pip-sessions monitoring and examples', () => {
  test('GET /heartbeat answers the current time as a JSON string', async () => {
    const res = await twin.http.get('/heartbeat');
    assert.equal(res.status, 200);
    assert.match(res.body, ISO);
    assert.ok(Math.abs(Date.parse(res.body) - Date.now()) < 60_000);
  });

  test('GET /status describes the service, its uptime and its components', async () => {
    const res = await twin.http.get('/status');
    assert.equal(res.status, 200);
    assert.equal(res.body.name, 'pip-services-sessions');
    assert.ok(res.body.uptime >= 0);
    assert.ok(res.body.components.includes('pip-services-sessions:persistence:memory:default:1.0'));
  });

  test('every documented request example is accepted and answers like its documented example', async () => {
    const spec = await loadSpec('pip-sessions');
    const resolve = <T>(x: T | OpenAPIV3.ReferenceObject): T => {
      if (x && typeof x === 'object' && '$ref' in x) {
        const path = x.$ref.replace(/^#\//, '').split('/');
        return path.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], spec) as T;
      }
      return x as T;
    };
    // Ids and times are made by the twin; everything else must be as documented.
    const stable = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(stable)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .filter(([k]) => k !== 'id' && !k.endsWith('_time'))
                .map(([k, x]) => [k, stable(x)]),
            )
          : v;
    let replayed = 0;
    for (const [path, item] of Object.entries(spec.paths)) {
      const op = item?.post;
      if (!op) continue;
      twin.apps.pipModel.reset(EXAMPLE_SESSIONS);
      const body = op.requestBody ? resolve<OpenAPIV3.RequestBodyObject>(op.requestBody).content['application/json']?.example : undefined;
      const res = await twin.http.post(path, body);
      const status = Object.keys(op.responses).find((s) => s.startsWith('2'));
      assert.equal(String(res.status), status, `${op.operationId} answers ${status}`);
      const documented = resolve<OpenAPIV3.ResponseObject>(op.responses[status ?? ''] as OpenAPIV3.ResponseObject).content?.[
        'application/json'
      ]?.example;
      if (documented !== undefined) assert.deepEqual(stable(res.body), stable(documented), op.operationId);
      replayed++;
    }
    assert.equal(replayed, 16);
  });

  test("the admin API's import puts the store back to the example session", async () => {
    await open();
    const reset = await twin.http.put('/__apitwin/state/pip-sessions', { sessions: EXAMPLE_SESSIONS }, { unchecked: true });
    assert.equal(reset.status, 204);
    const list = await twin.http.post(`${V1}/get_sessions`, {});
    assert.deepEqual(
      ids(list),
      EXAMPLE_SESSIONS.map((s) => s.id),
    );
  });
});
