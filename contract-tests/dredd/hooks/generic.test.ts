/**
 * What the generic hooks change in a transaction before Dredd replays it, for specs that are not ours.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DreddTransaction } from '../hooks-api.js';
import { setHookSettings } from '../settings.js';
import { beforeEach } from './generic.js';

test('a documented response is not required to carry framing headers, nor a Content-Type without a value (rapidapi.com)', () => {
  setHookSettings({
    api: 'any',
    endpoint: 'http://127.0.0.1:1',
    isolate: false,
    allowDestructive: false,
    user: undefined,
    password: undefined,
  });
  const t: DreddTransaction = {
    name: 'GET /history',
    id: 'GET (200) /history',
    fullPath: '/history',
    skip: false,
    origin: { resourceName: '/history', actionName: 'GET' },
    request: { method: 'GET', uri: '/history', headers: {}, body: '' },
    expected: {
      statusCode: '200',
      headers: { 'Content-Type': '', 'Content-Encoding': 'br', 'Transfer-Encoding': 'chunked', 'X-Request-Id': '' },
    },
  };
  beforeEach(t);
  assert.equal(t.skip, false);
  assert.deepEqual(t.expected.headers, { 'X-Request-Id': '' });
});

test('a HEAD is skipped with the reason: Dredd 14 cannot send one (restful4up.local)', () => {
  setHookSettings({
    api: 'any',
    endpoint: 'http://127.0.0.1:1',
    isolate: false,
    allowDestructive: false,
    user: undefined,
    password: undefined,
  });
  const t: DreddTransaction = {
    name: 'HEAD /clean',
    id: 'HEAD (204) /clean',
    fullPath: '/clean',
    skip: false,
    origin: { resourceName: '/clean', actionName: 'HEAD' },
    request: { method: 'HEAD', uri: '/clean', headers: {}, body: '' },
    expected: { statusCode: '204' },
  };
  beforeEach(t);
  assert.equal(t.skip, true);
});
