/**
 * Configurable expiry and paging, on a twin whose clock the test moves:
 * `close_expired_sessions` and the timer close what has been idle longer than
 * `pip.expireTimeoutMs`, and `take` is capped at `pip.maxPageSize`.
 */
import assert from 'node:assert/strict';
import { before, beforeEach, describe, test } from 'node:test';
import { defaultConfig, testConfig } from '../config.js';
import { createLogger } from '../log.js';
import { type TestHttp, testHttp } from '../testing/http.js';
import { createPipApp, type PipApp } from './app.js';
import { startExpiryTimer } from './expiry.js';
import { MemorySessionsStore } from './memory-store.js';

const START = Date.parse('2024-05-01T10:00:00.000Z');
let clock = START;
const now = () => new Date(clock);
const seconds = (s: number) => {
  clock += s * 1000;
};

const config = testConfig({ pip: { ...defaultConfig().pip, maxPageSize: 5, expireTimeoutMs: 60_000, cleanupIntervalMs: 0 } });
const logger = createLogger(config);
let pip: PipApp;
let http: TestHttp;

before(async () => {
  pip = await createPipApp(config, new MemorySessionsStore(), { logger, now });
  http = await testHttp(pip.app, 'pip-sessions');
});

beforeEach(() => {
  clock = START;
  pip.model.reset();
});

const open = async (user_id = 'u1') => (await http.post('/v1/sessions/open_session', { user_id })).body as { id: string };
const get = async (id: string) => (await http.post('/v1/sessions/get_session_by_id', { session_id: id })).body;

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting until ${what}`);
}

describe('expiry', () => {
  test('close_expired_sessions closes only the sessions idle longer than the configured timeout', async () => {
    const stale = await open('u1');
    seconds(30);
    const recent = await open('u2');
    seconds(31);
    assert.equal((await http.post('/v1/sessions/close_expired_sessions', {})).status, 204);
    const closed = await get(stale.id);
    assert.deepEqual(
      [closed.active, closed.user, closed.data, closed.close_time, closed.request_time],
      [false, null, null, now().toISOString(), now().toISOString()],
    );
    assert.equal((await get(recent.id)).active, true, '31 s idle is within the 60 s timeout');
    seconds(30);
    await http.post('/v1/sessions/close_expired_sessions', {});
    assert.equal((await get(recent.id)).active, false);
  });

  test('a request keeps a session alive: the timeout counts from the last request', async () => {
    const s = await open();
    seconds(50);
    await http.post('/v1/sessions/update_session_user', { session_id: s.id, user: { name: 'x' } });
    seconds(50);
    await http.post('/v1/sessions/close_expired_sessions', {});
    assert.equal((await get(s.id)).active, true);
    seconds(11);
    await http.post('/v1/sessions/close_expired_sessions', {});
    assert.equal((await get(s.id)).active, false);
  });

  test('the timer closes expired sessions on its own, and stops when told', async () => {
    const first = await open();
    seconds(120);
    const timer = startExpiryTimer(pip.model, 5, logger);
    try {
      await until(async () => (await get(first.id)).active === false, 'the timer closed the session');
    } finally {
      timer.stop();
    }
    const second = await open();
    seconds(120);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await get(second.id)).active, true, 'a stopped timer closes nothing');
  });

  test('a cleanup interval of 0 starts no timer', async () => {
    const s = await open();
    seconds(120);
    const timer = startExpiryTimer(pip.model, 0, logger);
    await new Promise((r) => setTimeout(r, 30));
    timer.stop();
    assert.equal((await get(s.id)).active, true);
  });
});

describe('paging limit', () => {
  test('take, and the default page, are capped at the configured largest page', async () => {
    for (let i = 0; i < 8; i++) await open();
    for (const paging of [undefined, { take: 0 }, { take: 100 }, { take: 6 }]) {
      const res = await http.post('/v1/sessions/get_sessions', paging ? { paging } : {});
      assert.equal(res.body.data.length, 5, JSON.stringify(paging));
    }
    const small = await http.post('/v1/sessions/get_sessions', { paging: { take: 3, total: true } });
    assert.deepEqual([small.body.data.length, small.body.total], [3, 8]);
  });
});
