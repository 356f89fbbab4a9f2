/**
 * What the generic hooks change in a transaction before Dredd replays it, for specs that are not ours.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DreddTransaction } from '../hooks-api.js';
import { setHookSettings } from '../settings.js';
import { beforeEach } from './generic.js';

/** A transaction of a spec that is not ours, as Dredd hands it to the hooks (the runner's settings in place). */
function transaction(method: string, path: string, expected: DreddTransaction['expected']): DreddTransaction {
  setHookSettings({
    api: 'any',
    endpoint: 'http://127.0.0.1:1',
    isolate: false,
    allowDestructive: false,
    user: undefined,
    password: undefined,
  });
  return {
    name: `${method} ${path}`,
    id: `${method} (${expected.statusCode}) ${path}`,
    fullPath: path,
    skip: false,
    origin: { resourceName: path, actionName: method },
    request: { method, uri: path, headers: {}, body: '' },
    expected,
  };
}

test('a documented response is not required to carry framing headers, nor a Content-Type without a value (rapidapi.com)', () => {
  const t = transaction('GET', '/history', {
    statusCode: '200',
    headers: { 'Content-Type': '', 'Content-Encoding': 'br', 'Transfer-Encoding': 'chunked', 'X-Request-Id': '' },
  });
  beforeEach(t);
  assert.equal(t.skip, false);
  assert.deepEqual(t.expected.headers, { 'X-Request-Id': '' });
});

test('a HEAD is skipped with the reason: Dredd 14 cannot send one (restful4up.local)', () => {
  const t = transaction('HEAD', '/clean', { statusCode: '204' });
  beforeEach(t);
  assert.equal(t.skip, true);
});
