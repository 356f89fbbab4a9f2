/**
 * Picking a documented response (for `Prefer` and fault rules), and reading
 * `Prefer` and fault path patterns: pure functions, on a small spec.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OpenAPIV3 } from 'openapi-types';
import { ApiError } from '../errors.js';
import { pathPattern } from './faults.js';
import { DocumentedResponses, parsePrefer } from './responses.js';

const doc: OpenAPIV3.Document = {
  openapi: '3.0.3',
  info: { title: 't', version: '1' },
  paths: {
    '/things': {
      get: {
        operationId: 'listThings',
        responses: {
          '200': {
            description: 'ok',
            headers: { ETag: { schema: { type: 'string' }, example: '"v1"' } },
            content: {
              'application/json': {
                schema: { type: 'array', items: { type: 'string' } },
                examples: { one: { value: ['a'] }, many: { value: ['a', 'b', 'c'] } },
              },
            },
          },
          '404': { $ref: '#/components/responses/Missing' },
          '204': { description: 'nothing' },
        },
      },
    },
  },
  components: {
    responses: {
      Missing: {
        description: 'missing',
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['message', 'code'],
              properties: { message: { type: 'string', example: 'not here' }, code: { type: 'integer', minimum: 404 } },
            },
          },
        },
      },
    },
  },
};

const responses = await DocumentedResponses.load(doc);

describe('documented responses', () => {
  const cases: [string, { got: () => unknown; want: unknown }][] = [
    [
      'a status answers its first example, with documented headers',
      { got: () => responses.forStatus('listThings', 200), want: { status: 200, headers: { ETag: '"v1"' }, body: ['a'] } },
    ],
    [
      'an example name picks that example',
      { got: () => responses.forExample('listThings', 'many'), want: { status: 200, headers: { ETag: '"v1"' }, body: ['a', 'b', 'c'] } },
    ],
    [
      'a status without example is built from its schema (through $ref)',
      { got: () => responses.forStatus('listThings', 404), want: { status: 404, headers: {}, body: { message: 'not here', code: 404 } } },
    ],
    ['a status without content has no body', { got: () => responses.forStatus('listThings', 204), want: { status: 204, headers: {} } }],
    ['an undocumented status is undefined', { got: () => responses.forStatus('listThings', 503), want: undefined }],
    ['the documented statuses, ascending', { got: () => responses.statuses('listThings'), want: [200, 204, 404] }],
    ['the named examples', { got: () => responses.examples('listThings'), want: ['200:one', '200:many'] }],
  ];
  for (const [name, { got, want }] of cases) test(name, () => assert.deepEqual(got(), want));
});

describe('parsePrefer', () => {
  const cases: [string, string | undefined, unknown][] = [
    ['a code', 'code=503', { code: 503 }],
    ['an example, quoted, with another preference beside it', 'return=minimal; example="many"', { example: 'many' }],
    ['both', 'code=200, example=one', { code: 200, example: 'one' }],
    ['neither (RFC 7240 preferences the twin ignores)', 'return=representation, respond-async', undefined],
    ['no header', undefined, undefined],
  ];
  for (const [name, header, want] of cases) test(name, () => assert.deepEqual(parsePrefer(header), want));

  test('a code that is not a status is refused', () => {
    assert.throws(
      () => parsePrefer('code=abc'),
      (err: unknown) => err instanceof ApiError && err.status === 400,
    );
  });
});

describe('fault path patterns', () => {
  const cases: [string, string, boolean][] = [
    ['/v1/servers', '/v1/servers', true],
    ['/v1/servers', '/v1/servers/x', false],
    ['/v1/servers/*', '/v1/servers/server1', true],
    ['/v1/servers/*', '/v1/servers/server1/set', false],
    ['/v1/**', '/v1/servers/server1/set', true],
    ['/v1/sessions/*_session', '/v1/sessions/open_session', true],
    ['/a.b', '/aXb', false],
  ];
  for (const [pattern, path, want] of cases) {
    test(`${pattern} ${want ? 'matches' : 'does not match'} ${path}`, () => assert.equal(pathPattern(pattern).test(path), want));
  }
});
