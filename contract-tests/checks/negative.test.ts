/**
 * The invalid requests negative_data_rejection sends: each breaks the schema
 * in the way its description says, and none is a valid body in disguise.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OpenAPIV3 } from 'openapi-types';
import type { RunContext } from '../engine/context.js';
import { buildSpecModel } from '../engine/spec.js';
import { bodyMutations, breaks, mutationsOf } from './negative.js';

const schema: OpenAPIV3.SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['data'],
  properties: {
    data: {
      type: 'object',
      additionalProperties: false,
      required: ['id'],
      properties: {
        id: { type: 'string' },
        type: { type: 'string', enum: ['services'] },
        parameters: { type: 'object', additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] } },
        anything: {},
      },
    },
  },
};
const example = { data: { id: 'my-service', type: 'services', parameters: { user: 'maxuser' }, anything: 1 } };

describe('bodyMutations', () => {
  const mutations = bodyMutations(schema, example);
  const byDescription = new Map(mutations.map((m) => [m.description, m.body]));

  const want: [string, unknown][] = [
    ['a JSON string instead of the documented object', 'contract-wrong-type'],
    ['missing required field /data', {}],
    ['unknown field /contract_test_unknown_field where additionalProperties is false', { ...example, contract_test_unknown_field: true }],
    ['missing required field /data/id', { data: { type: 'services', parameters: { user: 'maxuser' }, anything: 1 } }],
    ['wrong type at /data/id (integer instead of string)', { data: { ...example.data, id: 987654321 } }],
    ['value outside the enum at /data/type', { data: { ...example.data, type: 'contract-not-in-enum' } }],
    [
      'wrong type at /data/parameters/user (boolean instead of string or number)',
      { data: { ...example.data, parameters: { user: true } } },
    ],
  ];
  for (const [description, body] of want) {
    test(`makes ${description}`, () => assert.deepEqual(byDescription.get(description), body));
  }

  test('never mistypes a field whose schema accepts any type', () => {
    assert.ok(!mutations.some((m) => m.description.includes('/data/anything')));
  });

  test('every mutation breaks the schema, and the example does not', () => {
    assert.equal(breaks(schema, example), false);
    for (const m of mutations) assert.ok(breaks(schema, m.body), m.description);
  });

  test('leaves the example itself untouched', () => {
    assert.equal(example.data.id, 'my-service');
    assert.deepEqual(example.data.parameters, { user: 'maxuser' });
  });
});

describe('breaks, given the example a change was made from', () => {
  // Velo's payee: the example's dateOfBirth is not in the date format the schema asks, and `name`
  // lists properties without `type: object`, so a string there is a value the schema takes.
  const schema: OpenAPIV3.SchemaObject = {
    type: 'object',
    properties: {
      dateOfBirth: { type: 'string', format: 'date' },
      name: { properties: { firstName: { type: 'string' } }, required: ['firstName'] },
    },
  };
  const example = { dateOfBirth: '1985-01-01T00:00:00Z', name: { firstName: 'Bob' } };

  test('counts only what the example does not already break', () => {
    assert.equal(breaks(schema, { ...example, name: 'Bob' }, example), false);
    assert.equal(breaks(schema, { ...example, name: {} }, example), true);
    assert.equal(breaks(schema, { ...example, dateOfBirth: 1 }, example), true);
  });
});

describe('breaks on a recursive schema', () => {
  // A recursive `$ref` dereferenced is a cycle of objects (DynamoDB's AttributeValue: M and L hold
  // AttributeValues), which Ajv cannot compile: no mutation can be shown to break it.
  const value: OpenAPIV3.SchemaObject = { type: 'object', properties: { S: { type: 'string' } } };
  (value.properties as Record<string, OpenAPIV3.SchemaObject>).L = { type: 'array', items: value };

  test('says the value does not break it, without compiling it', () => {
    assert.equal(breaks(value, { S: 1 }), false);
    assert.equal(breaks(value, { L: [{ S: 'x' }] }), false);
  });
});

/** What negative_data_rejection sends for one operation of a spec of these paths: each invalid request's description. */
async function descriptionsOf(paths: OpenAPIV3.PathsObject, operationId: string): Promise<string[]> {
  const spec = await buildSpecModel('paths', { openapi: '3.0.3', info: { title: 'Paths', version: '1' }, paths });
  const op = spec.operations.find((o) => o.id === operationId);
  assert.ok(op);
  const ctx = { spec, fresh: (s: string) => s, freshPort: () => 1 } as unknown as RunContext;
  return mutationsOf(ctx, op).map((m) => m.description);
}

describe('mutationsOf', () => {
  /** The invalid requests for the one operation of a spec whose body takes these media types. */
  const mutationsFor = (content: Record<string, OpenAPIV3.MediaTypeObject>) =>
    descriptionsOf(
      {
        '/avatars': {
          post: {
            operationId: 'uploadAvatar',
            requestBody: { required: true, content },
            responses: { '201': { description: 'made' }, '400': { description: 'invalid' } },
          },
        },
      },
      'uploadAvatar',
    );
  const textPlain = 'a body sent as text/plain, an undocumented Content-Type';

  test('sends a text/plain body where the operation documents only JSON', async () => {
    assert.ok((await mutationsFor({ 'application/json': { schema: { type: 'object' } } })).includes(textPlain));
  });

  test('never where a media range covers text/plain (Jira documents `*/*` for its avatars), yet a missing body still', async () => {
    for (const range of ['*/*', 'text/*', 'text/plain; charset=utf-8']) {
      const descriptions = await mutationsFor({ [range]: { schema: {} } });
      assert.ok(!descriptions.includes(textPlain), range);
      assert.ok(descriptions.includes('no request body'), range);
    }
  });

  test("breaks the content only of JSON and form bodies: not of a media type no server reads by the schema (Mastodon's application/form-data)", async () => {
    const schema: OpenAPIV3.SchemaObject = { type: 'object', required: ['phrase'], properties: { phrase: { type: 'string' } } };
    const example = { phrase: 'x' };
    const missing = 'missing required field /phrase';
    assert.ok((await mutationsFor({ 'application/json': { schema, example } })).includes(missing));
    assert.ok((await mutationsFor({ 'application/x-www-form-urlencoded': { schema, example } })).includes(missing));
    for (const media of ['application/form-data', 'application/x-ndjson']) {
      const descriptions = await mutationsFor({ [media]: { schema, example } });
      assert.ok(!descriptions.includes(missing), media);
      assert.ok(descriptions.includes('no request body'), media);
    }
  });
});

describe('a required query parameter left out', () => {
  const param: OpenAPIV3.ParameterObject = { name: 'export', in: 'query', required: true, schema: { type: 'string', enum: ['true'] } };
  const get = (operationId: string, parameters: OpenAPIV3.ParameterObject[] = []) => ({
    get: { operationId, parameters, responses: { '200': { description: 'ok' }, '400': { description: 'invalid' } } },
  });
  const missing = 'missing required query parameter export';

  test('is an invalid request', async () => {
    assert.ok((await descriptionsOf({ '/apis/{apiId}': get('exportApi', [param]) }, 'exportApi')).includes(missing));
  });

  test("is not, where the path without it is another operation's (Azure's `/apis/{apiId}#export=true` beside `/apis/{apiId}`)", async () => {
    const paths = { '/apis/{apiId}': get('getApi'), '/apis/{apiId}#export=true': get('exportApi', [param]) };
    assert.ok(!(await descriptionsOf(paths, 'exportApi')).includes(missing));
  });
});

test("a GET that documents a body gets no broken bodies: fetch sends none with a GET (Interactive Brokers' /secdef)", async () => {
  const secdef = {
    get: {
      operationId: 'getSecdef',
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' }, example: { conid: 1 } } } },
      responses: { '200': { description: 'ok' }, '400': { description: 'invalid' } },
    },
  } as OpenAPIV3.PathItemObject;
  assert.deepEqual(await descriptionsOf({ '/secdef': secdef }, 'getSecdef'), []);
});
