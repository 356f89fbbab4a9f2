import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiError, Errors, toApiError } from './errors.js';

describe('toApiError, the one mapper from anything thrown to an ApiError', () => {
  const cases: [string, { given: unknown; want: { status: number; code: string } }][] = [
    ['keeps an ApiError as it is', { given: ApiError.from(Errors.FORBIDDEN, 'no'), want: { status: 403, code: 'FORBIDDEN' } }],
    [
      'turns a body-parser parse failure into INVALID_JSON',
      { given: { type: 'entity.parse.failed', status: 400, message: 'Unexpected token' }, want: { status: 400, code: 'INVALID_JSON' } },
    ],
    [
      'turns a too-large body into 413',
      { given: { type: 'entity.too.large', status: 413 }, want: { status: 413, code: 'PAYLOAD_TOO_LARGE' } },
    ],
    [
      'turns an unsupported charset into 415',
      { given: { type: 'charset.unsupported', status: 415 }, want: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' } },
    ],
    [
      'turns another body-parser 4xx into a 400',
      { given: { type: 'request.aborted', status: 400 }, want: { status: 400, code: 'BAD_REQUEST' } },
    ],
    ['turns a plain Error into a generic 500', { given: new Error('secret internals'), want: { status: 500, code: 'INTERNAL' } }],
    ['turns a thrown string into a generic 500', { given: 'boom', want: { status: 500, code: 'INTERNAL' } }],
  ];
  for (const [name, { given, want }] of cases) {
    test(name, () => {
      const err = toApiError(given);
      assert.equal(err.status, want.status);
      assert.equal(err.code, want.code);
    });
  }

  test('never puts an unknown error’s message or stack in the detail', () => {
    const err = toApiError(new Error('password=hunter2 at /srv/app.js:10'));
    assert.equal(err.detail, 'Internal error');
  });

  test('every catalogue entry has a 4xx or 5xx status and its own code', () => {
    const codes = new Set<string>();
    for (const [key, t] of Object.entries(Errors)) {
      assert.ok(t.status >= 400 && t.status < 600, key);
      assert.equal(t.code, key);
      assert.ok(!codes.has(t.code));
      codes.add(t.code);
    }
  });
});
