/**
 * Issue 14 (10): credentials are compared as fixed-length digests in constant
 * time, whether the user exists or the password's length differs.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useTwin } from '../testing/twin.js';
import { sameSecret } from './app.js';

const twin = useTwin('maxscale');

describe('credential checks', () => {
  test('secrets of any length are compared without throwing', () => {
    const cases: [string, string, boolean][] = [
      ['mariadb', 'mariadb', true],
      ['mariadb', 'mariadc', false],
      ['mariadb', 'mariadb-and-more', false],
      ['', '', true],
      ['', 'x', false],
      ['pässwörd', 'pässwörd', true],
      ['x'.repeat(10_000), 'x', false],
    ];
    for (const [a, b, want] of cases) assert.equal(sameSecret(a, b), want, `${a.slice(0, 20)} / ${b.slice(0, 20)}`);
  });

  test('an unknown user, a short and a long wrong password get the same 401', async () => {
    const answers = [];
    for (const auth of [
      ['nobody', 'mariadb'],
      ['admin', 'm'],
      ['admin', 'm'.repeat(4096)],
    ] as [string, string][]) {
      const res = await twin.http.get('/v1/servers', { auth });
      assert.equal(res.status, 401);
      answers.push(res.body);
    }
    assert.deepEqual(answers[1], answers[0]);
    assert.deepEqual(answers[2], answers[0]);
  });
});
