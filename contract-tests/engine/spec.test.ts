/**
 * What the suite derives from a spec: the kind of each operation, the
 * resource groups its stateful scenarios use, and requests built from the
 * documented examples.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OpenAPIV3 } from 'openapi-types';
import { encodeBody, multipartForm } from './http.js';
import { hasId } from './requests.js';
import {
  buildPath,
  buildSpecModel,
  flatten,
  kindOf,
  loadSpecModel,
  notFoundStatuses,
  type OperationInfo,
  objectParam,
  sampleFromSchema,
  typesOf,
  withFormArraysFilled,
} from './spec.js';

describe('kindOf', () => {
  // REST methods say it; POST-only RPC APIs (pip) say it with the verb of their verbNoun operationId.
  const cases: [string, { method: string; id: string; want: string }][] = [
    ['a GET reads', { method: 'GET', id: 'listServices', want: 'read' }],
    ['a DELETE deletes', { method: 'DELETE', id: 'deleteService', want: 'delete' }],
    ['a PATCH updates', { method: 'PATCH', id: 'updateService', want: 'update' }],
    ['a PUT action updates', { method: 'PUT', id: 'stopService', want: 'update' }],
    ['a POST create creates', { method: 'POST', id: 'createService', want: 'create' }],
    ['a POST open creates', { method: 'POST', id: 'openSession', want: 'create' }],
    ['a POST get reads', { method: 'POST', id: 'getSessionById', want: 'read' }],
    ['a POST delete deletes', { method: 'POST', id: 'deleteSessionById', want: 'delete' }],
    ['a POST store updates', { method: 'POST', id: 'storeSessionData', want: 'update' }],
    ['a POST of another verb is an action, an update', { method: 'POST', id: 'flushLogs', want: 'update' }],
  ];
  for (const [name, { method, id, want }] of cases) {
    test(name, () => assert.equal(kindOf(method, id), want));
  }
});

describe('the MaxScale spec model', () => {
  test('finds REST collections by path structure, nested ones with their parent', async () => {
    const spec = await loadSpecModel('maxscale');
    const services = spec.groups.find((g) => g.collectionPath === '/services');
    assert.equal(services?.read.id, 'getService');
    assert.equal(services?.update?.id, 'updateService');
    assert.equal(services?.delete?.id, 'deleteService');
    assert.equal(services?.list?.id, 'listServices');
    const listeners = spec.groups.find((g) => g.collectionPath === '/services/{name}/listeners');
    assert.equal(listeners?.itemParam, 'listener');
    assert.equal(listeners?.parent, services);
    assert.equal(spec.basePath, '/v1');
  });

  test('requests are built from Parameter examples, and an enum path parameter never names an object', async () => {
    const spec = await loadSpecModel('maxscale');
    const op = spec.byId.get('updateServiceRelationships') as OperationInfo;
    assert.equal(buildPath(op), '/services/Read-Connection-Router/relationships/servers?pretty=true');
    assert.equal(buildPath(op, { name: 'a b' }), '/services/a%20b/relationships/servers?pretty=true');
    assert.equal(objectParam(op), 'name');
  });
});

describe('the pip-sessions spec model', () => {
  test('groups the POST commands of each folder around the create, naming the object by session_id', async () => {
    const spec = await loadSpecModel('pip-sessions');
    assert.deepEqual(spec.groups, []);
    const v1 = spec.rpcGroups.find((g) => g.create.id === 'openSession');
    assert.equal(v1?.idField, 'session_id');
    assert.equal(v1?.read?.id, 'getSessionById');
    assert.equal(v1?.list?.id, 'getSessions');
    assert.equal(v1?.delete?.id, 'deleteSessionById');
    // Updates that carry data come first: the lifecycle stores data before it closes.
    assert.deepEqual(
      v1?.updates.map((o) => o.id),
      ['storeSessionData', 'updateSessionUser', 'closeSession'],
    );
    assert.ok(spec.rpcGroups.some((g) => g.create.id === 'openSessionUnversioned'));
  });
});

describe('schema helpers', () => {
  test('flatten merges allOf: properties, required names, and a forbidding additionalProperties wins', () => {
    const schema: OpenAPIV3.SchemaObject = {
      allOf: [{ type: 'object', additionalProperties: false, properties: { port: { type: 'integer' } } }],
      required: ['port'],
    };
    const flat = flatten(schema);
    assert.deepEqual(flat?.required, ['port']);
    assert.equal(flat?.additionalProperties, false);
    assert.deepEqual(Object.keys(flat?.properties ?? {}), ['port']);
  });

  const types: [string, OpenAPIV3.SchemaObject, string[]][] = [
    ['a type', { type: 'string' }, ['string']],
    ['a nullable type', { type: 'string', nullable: true }, ['string', 'null']],
    ['oneOf branches', { oneOf: [{ type: 'string' }, { type: 'boolean' }] }, ['string', 'boolean']],
    ['a branch that accepts anything', { oneOf: [{ type: 'string' }, {}] }, []],
  ];
  for (const [name, schema, want] of types) {
    test(`typesOf reads ${name}`, () => assert.deepEqual(typesOf(schema), want));
  }
});

describe('what real-world specs need of the suite', () => {
  const op = (responses: Record<string, OpenAPIV3.ResponseObject>, parameters: OpenAPIV3.ParameterObject[] = []): OperationInfo => ({
    id: 'op',
    method: 'GET',
    path: '/things/{id}',
    summary: '',
    kind: 'read',
    parameters,
    requestBody: undefined,
    bodyExamples: [],
    requestSchema: undefined,
    responses,
    secured: false,
    securitySchemes: [],
  });
  const named = (description: string): OpenAPIV3.ResponseObject => ({ description });

  // Which status says "no such object": what use_after_free expects after a delete.
  const notFound: [string, { responses: Record<string, OpenAPIV3.ResponseObject>; want: number[] }][] = [
    [
      '404 where documented',
      { responses: { '200': named('ok'), '404': named('nope'), '480': named('ResourceNotFoundException') }, want: [404] },
    ],
    [
      "AWS's 48x named ResourceNotFoundException",
      { responses: { '200': named('ok'), '480': named('ValidationException'), '481': named('ResourceNotFoundException') }, want: [481] },
    ],
    ['404 where a 4XX range or default stands for it', { responses: { '200': named('ok'), default: named('error') }, want: [404] }],
    [
      'any documented client error but authentication ones, where none names it',
      { responses: { '200': named('ok'), '400': named('bad'), '401': named('auth') }, want: [400] },
    ],
    [
      "the authentication ones where they are all it documents (kubernetes.io's reads)",
      { responses: { '200': named('ok'), '401': named('Unauthorized') }, want: [401] },
    ],
    ['404 where it documents no client error', { responses: { '200': named('ok') }, want: [404] }],
  ];
  for (const [name, { responses, want }] of notFound) {
    test(`notFoundStatuses: ${name}`, () => assert.deepEqual(notFoundStatuses(op(responses)), want));
  }

  test('a create that documents no success makes no stateful scenario (contract-p.fit documents only its 403)', async () => {
    const answers = (statuses: string[]) => ({ responses: Object.fromEntries(statuses.map((s) => [s, named(s)])) });
    const doc = (createStatuses: string[]): OpenAPIV3.Document => ({
      openapi: '3.0.3',
      info: { title: 'Formats', version: '1' },
      paths: {
        '/formats': { post: { operationId: 'createFormat', ...answers(createStatuses) } },
        '/formats/{id}': {
          get: { operationId: 'getFormat', parameters: [{ name: 'id', in: 'path', required: true }], ...answers(['200']) },
        },
      },
    });
    assert.deepEqual((await buildSpecModel('formats', doc(['403']))).groups, []);
    assert.equal((await buildSpecModel('formats', doc(['201', '403']))).groups.length, 1);
  });

  test('flatten keeps what an allOf part says of a member (its items, pattern, lengths)', () => {
    const flat = flatten({ allOf: [{ type: 'array', items: { type: 'string' }, minItems: 1 }] } as OpenAPIV3.SchemaObject);
    assert.deepEqual(flat, { type: 'array', items: { type: 'string' }, minItems: 1 });
    assert.equal(flatten({ allOf: [{ type: 'string', pattern: '^a+$' }] } as OpenAPIV3.SchemaObject)?.pattern, '^a+$');
  });

  test('values made from a schema meet its pattern, length, format and minItems', () => {
    const id = sampleFromSchema({ type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}$', minLength: 13 });
    assert.match(String(id), /^[0-9a-f]{8}-[0-9a-f]{4}$/);
    assert.match(String(sampleFromSchema({ type: 'string', pattern: '(?s).+' })), /.+/);
    // Anchors inside a pattern that opens and closes with `.*` (AWS's S3 locations).
    const s3 = '.*(^arn:aws:s3:::)([a-zA-Z0-9_-]+$).*';
    assert.match(String(sampleFromSchema({ type: 'string', pattern: s3 })), new RegExp(s3, 'u'));
    assert.equal(sampleFromSchema({ type: 'string', format: 'email' }), 'user@example.com');
    assert.deepEqual(sampleFromSchema({ type: 'array', minItems: 2, items: { type: 'integer' } }), [1, 1]);
  });

  test("a path parameter's enum gives its first non-empty value: an empty segment is no value (PeerTube's job state)", () => {
    const p: OpenAPIV3.ParameterObject = { name: 'state', in: 'path', required: true, schema: { type: 'string', enum: ['', 'active'] } };
    assert.equal(buildPath({ ...op({}), path: '/jobs/{state}', parameters: [p] }), '/jobs/active');
    // Nor is an empty example (Stoplight's versionId).
    const version: OpenAPIV3.ParameterObject = { name: 'id', in: 'path', required: true, example: '', schema: { type: 'string' } };
    assert.notEqual(buildPath({ ...op({}), path: '/versions/{id}/export', parameters: [version] }), '/versions//export');
    const byDefault: OpenAPIV3.ParameterObject = { name: 'id', in: 'path', required: true, schema: { type: 'string', default: '' } };
    assert.notEqual(buildPath({ ...op({}), path: '/versions/{id}/export', parameters: [byDefault] }), '/versions//export');
    const modes: OpenAPIV3.ParameterObject = {
      name: 'modes',
      in: 'path',
      required: true,
      schema: { type: 'array', items: { type: 'string' } },
    };
    assert.notEqual(buildPath({ ...op({}), path: '/Line/Mode/{modes}', parameters: [modes] }), '/Line/Mode/');
  });

  test('a deepObject query parameter is sent as name[key]=value', () => {
    const p: OpenAPIV3.ParameterObject = {
      name: 'start',
      in: 'query',
      style: 'deepObject',
      explode: true,
      example: { gte: '1', lte: '2' },
    };
    assert.equal(decodeURIComponent(buildPath({ ...op({}), path: '/bookings', parameters: [p] })), '/bookings?start[gte]=1&start[lte]=2');
  });

  test("a parameter's example its enum leaves out is not sent: the enum's value is (Azure's api-version)", () => {
    const p: OpenAPIV3.ParameterObject = {
      name: 'api-version',
      in: 'query',
      required: true,
      schema: { type: 'string', enum: ['2017-03-30'] },
      examples: { list: { value: '2018-10-01' } },
    };
    assert.equal(buildPath({ ...op({}), path: '/ips', parameters: [p] }), '/ips?api-version=2017-03-30');
  });

  test('a form body is sent form-encoded, arrays as repeated fields; any other as JSON', () => {
    assert.equal(
      encodeBody({ name: 'dev', level: 3, tags: ['a', 'b'] }, 'application/x-www-form-urlencoded'),
      'name=dev&level=3&tags=a&tags=b',
    );
    assert.equal(encodeBody({ name: 'dev' }, 'application/json'), '{"name":"dev"}');
  });

  test('a multipart body is sent as a form with a boundary, each member a part', async () => {
    const form = multipartForm({ params: { actionType: 'x' }, file: 'a,b', tags: ['a', 'b'] });
    const encoded = new Response(form);
    assert.match(encoded.headers.get('content-type') ?? '', /^multipart\/form-data; boundary=/);
    const text = await encoded.text();
    assert.match(text, /name="params"\r\n\r\n\{"actionType":"x"\}\r\n/);
    assert.equal(text.match(/name="tags"/g)?.length, 2);
  });

  test("a form's required array goes with one item at least: an empty one would be no field at all (Twilio's TestUsers)", () => {
    const schema: OpenAPIV3.SchemaObject = {
      type: 'object',
      required: ['TestUsers'],
      properties: { TestUsers: { type: 'array', items: { type: 'string' } }, Other: { type: 'array', items: { type: 'string' } } },
    };
    assert.deepEqual(withFormArraysFilled(schema, { TestUsers: [], Other: [] }), { TestUsers: ['x'], Other: [] });
    assert.deepEqual(withFormArraysFilled(schema, { TestUsers: ['u1'] }), { TestUsers: ['u1'] });
  });

  test('a list of ids lists the object whose id it holds', () => {
    assert.ok(hasId('abc', 'abc'));
    assert.ok(!hasId('abd', 'abc'));
  });
});

describe('request examples written as text', () => {
  const model = (mediaType: string, schema: unknown, example: unknown) =>
    buildSpecModel('text-examples', {
      openapi: '3.0.3',
      info: { title: 'Examples', version: '1' },
      paths: {
        '/folders': {
          post: {
            operationId: 'createFolder',
            requestBody: { content: { [mediaType]: { schema, example } } },
            responses: { '200': { description: 'ok' } },
          },
        },
      },
    } as OpenAPIV3.Document);
  const cases: [string, { mediaType: string; schema: unknown; example: unknown; want: unknown }][] = [
    [
      "a JSON example written as its text is the value it spells (Xero's folders)",
      {
        mediaType: 'application/json',
        schema: { properties: { Name: { type: 'string' } } },
        example: '{ "Name": "My Docs" }',
        want: { Name: 'My Docs' },
      },
    ],
    [
      'a JSON example of a string schema stays the text it is',
      { mediaType: 'application/json', schema: { type: 'string' }, example: '{ "Name": "My Docs" }', want: '{ "Name": "My Docs" }' },
    ],
    [
      "a form example written as its encoded text is its fields (Truora's checks)",
      {
        mediaType: 'application/x-www-form-urlencoded',
        schema: { type: 'object', properties: { country: { type: 'string' } } },
        example: 'country=CO&type=person',
        want: { country: 'CO', type: 'person' },
      },
    ],
  ];
  for (const [name, { mediaType, schema, example, want }] of cases) {
    test(name, async () => {
      const op = (await model(mediaType, schema, example)).byId.get('createFolder');
      assert.deepEqual(op?.bodyExamples[0]?.value, want);
    });
  }
});

describe('sampleFromSchema of objects that must have members', () => {
  test("a map with minProperties gets free members of its value schema (AppConfig's Actions)", () => {
    const schema = { type: 'object', minProperties: 1, additionalProperties: { type: 'array', items: { type: 'string' } } };
    assert.deepEqual(sampleFromSchema(schema as OpenAPIV3.SchemaObject), { property1: [] });
  });
  test('an object with minProperties gets its declared optional members first', () => {
    const schema = { type: 'object', minProperties: 1, properties: { name: { type: 'string' } } };
    assert.deepEqual(sampleFromSchema(schema as OpenAPIV3.SchemaObject), { name: 'x' });
  });
  test('properties beside a oneOf of required lists are sampled with the first branch (InfluxDB’s DBRP)', () => {
    const schema = {
      type: 'object',
      properties: { org: { type: 'string' }, orgID: { type: 'string' }, bucketID: { type: 'string' } },
      oneOf: [{ required: ['orgID', 'bucketID'] }, { required: ['org', 'bucketID'] }],
    };
    assert.deepEqual(sampleFromSchema(schema as OpenAPIV3.SchemaObject), { orgID: 'x', bucketID: 'x' });
  });
});
