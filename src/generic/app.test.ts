/**
 * The generic twin (`serve --spec`) of a spec apitwin knows nothing about: the
 * contract suite's Pet Store fixture, a Swagger 2.0 document, and specs made
 * here for one behaviour each. supertest against the app; every answer of the
 * Pet Store twin is also judged by the same conformance checker the suite uses.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { before, describe, test } from 'node:test';
import request from 'supertest';
import { runSuite } from '../../contract-tests/engine/run.js';
import { PETSTORE_SPEC } from '../../contract-tests/fixtures/petstore-server.js';
import { type ConformanceChecker, createConformanceChecker } from '../spec/conformance.js';
import { specFiles } from '../testing/spec-files.js';
import { createGenericApp, type GenericApp } from './app.js';
import { loadAnySpec } from './load.js';

const specFile = specFiles('generic');

describe('the Pet Store fixture served as a generic twin', () => {
  let generic: GenericApp;
  let checker: ConformanceChecker;

  before(async () => {
    generic = await createGenericApp(PETSTORE_SPEC);
    checker = await createConformanceChecker((await loadAnySpec(PETSTORE_SPEC)).bundled);
  });

  /** Every answer the tests see is checked against the spec, as the contract suite would. */
  const conform = (method: string, path: string, res: request.Response) => {
    const violations = checker.check({ method, path, status: res.status, headers: res.headers, body: res.body, text: res.text });
    assert.deepEqual(violations, [], `${method} ${path} → ${res.status} ${res.text}`);
    return res;
  };
  const call = async (method: 'get' | 'post' | 'put' | 'delete', path: string, body?: unknown) => {
    const req = request(generic.app)[method](path);
    const res = body === undefined ? await req : await req.send(body as object);
    return conform(method.toUpperCase(), path, res);
  };

  test('infers the pets resource from the paths: POST /pets creates, /pets/{petId} reads, updates and deletes', () => {
    const [pets] = generic.twin.resources;
    assert.equal(pets?.group.collectionPath, '/pets');
    assert.equal(pets?.idProp, 'id');
    assert.deepEqual([...generic.twin.roles].map(([id, role]) => `${id}:${role.kind}`).sort(), [
      'createPet:create',
      'deletePet:delete',
      'getPet:read',
      'listPets:list',
      'updatePet:replace',
    ]);
  });

  test('starts from the documented examples: the example pet of GET /pets/{petId} is there', async () => {
    generic.twin.reset();
    const res = await call('get', '/pets/1');
    assert.equal(res.status, 200);
    assert.equal(res.body.name, 'doggie');
  });

  test("what a create's answer fills in that the request did not send is what a read and a list show", async () => {
    generic.twin.reset();
    const created = await call('post', '/pets', { name: 'rex' });
    assert.equal(created.status, 201);
    const path = `/pets/${created.body.id}`;
    assert.deepEqual((await call('get', path)).body, created.body);
    const listed = await call('get', '/pets');
    assert.deepEqual(
      listed.body.find((p: { id: number }) => p.id === created.body.id),
      created.body,
    );
  });

  test('a created pet is read back, listed, replaced, deleted, and then a 404 in the documented error schema', async () => {
    generic.twin.reset();
    const created = await call('post', '/pets', { name: 'rex', tags: ['puppy'] });
    assert.equal(created.status, 201);
    assert.equal(created.body.name, 'rex');
    assert.equal(typeof created.body.id, 'number');
    assert.equal(created.headers.location, `/pets/${created.body.id}`);
    const path = `/pets/${created.body.id}`;
    assert.equal((await call('get', path)).body.name, 'rex');
    const listed = await call('get', '/pets');
    assert.ok(listed.body.some((p: { id: number }) => p.id === created.body.id));
    const replaced = await call('put', path, { name: 'max', status: 'sold' });
    assert.equal(replaced.body.name, 'max');
    assert.equal((await call('get', path)).body.status, 'sold');
    assert.equal((await call('delete', path)).status, 204);
    const gone = await call('get', path);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.code, 404);
    assert.match(gone.body.message, /No pets object/);
  });

  test('an invalid body is refused with the documented 400 and changes nothing', async () => {
    generic.twin.reset();
    const before = (await call('get', '/pets')).body.length;
    const res = await call('post', '/pets', { name: 7 });
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 400);
    assert.equal((await call('get', '/pets')).body.length, before);
  });

  test('an undocumented Content-Type is the documented 415', async () => {
    const res = await request(generic.app).post('/pets').set('Content-Type', 'text/plain').send('{"name":"rex"}');
    conform('POST', '/pets', res);
    assert.equal(res.status, 415);
  });

  test('a path parameter that does not fit its schema names nothing: 404 where the spec documents no better status', async () => {
    const res = await call('get', '/pets/not-a-number');
    assert.ok([400, 404].includes(res.status));
  });

  test('Prefer: code=400 answers the documented response of that status, without touching the state', async () => {
    const res = await request(generic.app).get('/pets').set('Prefer', 'code=400');
    conform('GET', '/pets', res);
    assert.equal(res.status, 400);
  });

  test('an operation that is not CRUD answers its documented example', async () => {
    const res = await call('get', '/store/inventory');
    assert.deepEqual(res.body, { available: 1 });
  });

  test('an unknown path is RFC 9457 problem+json', async () => {
    const res = await request(generic.app).get('/nothing/here');
    assert.equal(res.status, 404);
    assert.equal(res.headers['content-type'], 'application/problem+json');
    assert.equal(res.body.status, 404);
  });

  test('the state exports and imports (a --data-file is such an export)', async () => {
    generic.twin.reset();
    await call('post', '/pets', { name: 'kept' });
    const state = (await request(generic.app).get('/__apitwin/state')).body;
    await request(generic.app).post('/__apitwin/reset').expect(204);
    assert.ok(!(await call('get', '/pets')).body.some((p: { name: string }) => p.name === 'kept'));
    await request(generic.app).put('/__apitwin/state').send(state).expect(204);
    assert.ok((await call('get', '/pets')).body.some((p: { name: string }) => p.name === 'kept'));
    const refused = await request(generic.app)
      .put('/__apitwin/state')
      .send({ collections: [{ resource: '/nope', objects: [] }] });
    assert.equal(refused.status, 400);
  });

  test('Swagger UI and the spec are served at /docs and /openapi.json', async () => {
    const page = await request(generic.app).get('/docs');
    assert.equal(page.status, 200);
    assert.match(page.text, /swagger-ui/);
    const spec = await request(generic.app).get('/openapi.json');
    assert.equal(spec.body.info.title, 'Pet Store');
  });

  test('the whole contract suite passes against the twin with 0 failures', async () => {
    generic.twin.reset();
    const server: Server = await new Promise((resolve) => {
      const s = generic.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const outcome = await runSuite({ api: 'petstore', spec: PETSTORE_SPEC, target: url });
      const failed = outcome.results.filter((r) => r.status === 'fail');
      assert.deepEqual(
        failed.map((r) => `${r.check} ${r.name}: ${r.failures[0]?.message}`),
        [],
      );
      const passed = new Set(outcome.results.filter((r) => r.status === 'pass').map((r) => r.check));
      for (const check of ['use_after_free', 'ensure_resource_availability', 'negative_data_rejection', 'response_schema_conformance']) {
        assert.ok(passed.has(check as never), `${check} did not pass once`);
      }
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('loading other specs', () => {
  test('a Swagger 2.0 document is converted on load and served', async () => {
    const file = specFile('swagger.json', {
      swagger: '2.0',
      info: { title: 'Notes', version: '1' },
      basePath: '/api',
      paths: {
        '/notes': {
          post: {
            consumes: ['application/json'],
            produces: ['application/json'],
            parameters: [{ in: 'body', name: 'note', schema: { $ref: '#/definitions/Note' } }],
            responses: { '201': { description: 'created', schema: { $ref: '#/definitions/Note' } } },
          },
        },
        '/notes/{noteId}': {
          get: {
            produces: ['application/json'],
            parameters: [{ in: 'path', name: 'noteId', required: true, type: 'string' }],
            responses: { '200': { description: 'ok', schema: { $ref: '#/definitions/Note' } }, '404': { description: 'none' } },
          },
        },
      },
      definitions: {
        Note: { type: 'object', required: ['text'], properties: { noteId: { type: 'string' }, text: { type: 'string' } } },
      },
    });
    const loaded = await loadAnySpec(file);
    assert.equal(loaded.sourceVersion, '2.0');
    const generic = await createGenericApp(loaded);
    assert.equal(generic.basePath, '/api');
    const created = await request(generic.app).post('/api/notes').send({ text: 'hello' }).expect(201);
    assert.equal(typeof created.body.noteId, 'string');
    const read = await request(generic.app).get(`/api/notes/${created.body.noteId}`).expect(200);
    assert.equal(read.body.text, 'hello');
    // The operation documents 404 without a body: none is sent.
    const missing = await request(generic.app).get('/api/notes/nope').expect(404);
    assert.equal(missing.text, '');
  });

  test('operations told apart by a fragment of their path are routed by the query string', async () => {
    const answer = (value: string) => ({
      '200': {
        description: 'ok',
        content: { 'application/json': { schema: { type: 'object', properties: { action: { type: 'string', enum: [value] } } } } },
      },
    });
    const action = (value: string) => ({ in: 'query', name: 'Action', required: true, schema: { type: 'string', enum: [value] } });
    const file = specFile('fragments.json', {
      openapi: '3.0.3',
      info: { title: 'Query API', version: '1' },
      paths: {
        '/#Action=Describe': { get: { operationId: 'describe', parameters: [action('Describe')], responses: answer('describe') } },
        '/#Action=List': { get: { operationId: 'list', parameters: [action('List')], responses: answer('list') } },
      },
    });
    const generic = await createGenericApp(file);
    assert.equal((await request(generic.app).get('/?Action=List').expect(200)).body.action, 'list');
    assert.equal((await request(generic.app).get('/?Action=Describe').expect(200)).body.action, 'describe');
  });

  test('a file that is not OpenAPI is refused with the reason', async () => {
    const file = specFile('nope.json', { hello: 'world' });
    await assert.rejects(loadAnySpec(file), /not a valid Openapi API definition|not an OpenAPI 3.0 \/ 3.1 or Swagger 2.0 document/);
  });
});

describe('answering what real-world specs document', () => {
  /** An AWS-style spec: members wrapped in allOf, patterns, envelopes, errors as 48x statuses named by their exception. */
  const aws = {
    openapi: '3.0.0',
    info: { title: 'Things', version: '1' },
    paths: {
      '/things': {
        post: {
          operationId: 'CreateThing',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { type: 'object', required: ['name'], properties: { name: { $ref: '#/components/schemas/Name' } } },
              },
            },
          },
          responses: {
            '201': { description: 'Success', content: { 'application/json': { schema: { $ref: '#/components/schemas/ThingEnvelope' } } } },
            '480': {
              description: 'ValidationException',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/ValidationException' } } },
            },
          },
        },
        get: {
          operationId: 'ListThings',
          responses: {
            '200': {
              description: 'Success',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      ThingIds: { allOf: [{ type: 'array', items: { type: 'string' } }] },
                      NextToken: { type: 'string', pattern: '[\\S]+' },
                    },
                  },
                },
              },
            },
          },
        },
      },
      '/things/{thingId}': {
        get: {
          operationId: 'GetThing',
          parameters: [{ name: 'thingId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'Success', content: { 'application/json': { schema: { $ref: '#/components/schemas/ThingEnvelope' } } } },
            '480': {
              description: 'InternalServerException',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/InternalServerException' } } },
            },
            '481': {
              description: 'ResourceNotFoundException',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/ResourceNotFoundException' } } },
            },
          },
        },
      },
    },
    components: {
      schemas: {
        Name: { type: 'string', pattern: '^[a-z]+$' },
        Arn: { type: 'string', pattern: '^arn:aws:things:[a-z]{2}-[a-z]+-\\d:\\d{12}:thing/\\w+$' },
        Thing: {
          type: 'object',
          properties: {
            thingId: { allOf: [{ type: 'string', minLength: 8, maxLength: 8 }] },
            name: { allOf: [{ $ref: '#/components/schemas/Name' }] },
            arn: { allOf: [{ $ref: '#/components/schemas/Arn' }] },
          },
        },
        ThingEnvelope: { type: 'object', properties: { thing: { $ref: '#/components/schemas/Thing' } } },
        ValidationException: {},
        InternalServerException: {},
        ResourceNotFoundException: {},
      },
    },
  };

  test('an unknown object is answered with the documented status that names it (481 ResourceNotFoundException), its message in the body', async () => {
    const generic = await createGenericApp(specFile('aws.json', aws));
    const res = await request(generic.app).get('/things/nothere').expect(481);
    assert.match(res.body.message, /nothere/);
  });

  test('an invalid body is answered with the documented status whose name says validation (480), never an undocumented 400', async () => {
    const generic = await createGenericApp(specFile('aws.json', aws));
    await request(generic.app).post('/things').send({ name: 'NOT-LOWER' }).expect(480);
  });

  test('a created object sits in its envelope member, its ARN made to its pattern, its id in the length its schema asks, and it is listed by id', async () => {
    const generic = await createGenericApp(specFile('aws.json', aws));
    const created = await request(generic.app).post('/things').send({ name: 'rex' }).expect(201);
    const thing = created.body.thing;
    assert.equal(thing.name, 'rex');
    assert.match(thing.arn, /^arn:aws:things:[a-z]{2}-[a-z]+-\d:\d{12}:thing\/\w+$/);
    assert.equal(thing.thingId.length, 8);
    const read = await request(generic.app).get(`/things/${thing.thingId}`).expect(200);
    assert.equal(read.body.thing.name, 'rex');
    const listed = await request(generic.app).get('/things').expect(200);
    assert.ok(listed.body.ThingIds.includes(thing.thingId), JSON.stringify(listed.body));
    assert.match(listed.body.NextToken, /^\S+$/);
  });

  test('an operation that documents no client error answers a read of an unknown id as documented, and changes nothing', async () => {
    const generic = await createGenericApp(
      specFile('no-errors.json', {
        openapi: '3.0.0',
        info: { title: 'Only 2xx', version: '1' },
        paths: {
          '/notes': {
            post: {
              operationId: 'createNote',
              requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Note' } } } },
              responses: {
                '201': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Note' } } } },
              },
            },
          },
          '/notes/{id}': {
            get: {
              operationId: 'getNote',
              parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
              responses: {
                '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Note' } } } },
              },
            },
          },
        },
        components: { schemas: { Note: { type: 'object', properties: { id: { type: 'string' }, text: { type: 'string' } } } } },
      }),
    );
    const before = generic.twin.exportState();
    const res = await request(generic.app).get('/notes/abc').expect(200);
    assert.equal(res.body.id, 'abc');
    assert.deepEqual(generic.twin.exportState(), before);
  });

  test('a form body is read as the types its schema gives, and a required Content-Type header parameter is ignored as OpenAPI says', async () => {
    const generic = await createGenericApp(
      specFile('form.json', {
        openapi: '3.0.0',
        info: { title: 'Forms', version: '1' },
        paths: {
          '/groups': {
            post: {
              operationId: 'createGroup',
              parameters: [{ name: 'Content-Type', in: 'header', required: true, schema: { type: 'string' } }],
              requestBody: {
                content: {
                  'application/x-www-form-urlencoded': {
                    schema: {
                      type: 'object',
                      required: ['name', 'level'],
                      properties: { name: { type: 'string' }, level: { type: 'integer' }, open: { type: 'boolean' } },
                    },
                  },
                },
              },
              responses: {
                '201': {
                  description: 'ok',
                  content: {
                    'application/json': {
                      schema: {
                        type: 'object',
                        properties: {
                          id: { type: 'string' },
                          name: { type: 'string' },
                          level: { type: 'integer' },
                          open: { type: 'boolean' },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
          '/groups/{id}': {
            get: {
              operationId: 'getGroup',
              parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
              responses: {
                '200': {
                  description: 'ok',
                  content: {
                    'application/json': { schema: { type: 'object', properties: { id: { type: 'string' }, level: { type: 'integer' } } } },
                  },
                },
              },
            },
          },
          '/health': {
            get: {
              operationId: 'health',
              parameters: [{ name: 'Content-Type', in: 'header', required: true, schema: { type: 'string' } }],
              responses: { '204': { description: 'up' } },
            },
          },
        },
      }),
    );
    const created = await request(generic.app).post('/groups').type('form').send('name=dev&level=3&open=true').expect(201);
    assert.equal(created.body.level, 3);
    assert.equal(created.body.open, true);
    await request(generic.app).get('/health').expect(204);
  });

  test('a fragment route with a path is reached by its query string', async () => {
    const generic = await createGenericApp(
      specFile('search.json', {
        openapi: '3.0.0',
        info: { title: 'Search', version: '1' },
        paths: {
          '/2013-01-01/search#format=sdk&q': {
            get: {
              operationId: 'Search',
              parameters: [
                { name: 'format', in: 'query', required: true, schema: { type: 'string', enum: ['sdk'] } },
                { name: 'q', in: 'query', required: true, schema: { type: 'string' } },
              ],
              responses: {
                '200': {
                  description: 'ok',
                  content: { 'application/json': { schema: { type: 'object', properties: { hits: { type: 'integer' } } } } },
                },
              },
            },
          },
        },
      }),
    );
    await request(generic.app).get('/2013-01-01/search?format=sdk&q=x').expect(200);
  });
});

describe('the conformance checker on answers that never carry a body', () => {
  test('a HEAD, a 204 and a 304 are judged by their headers, whatever content the spec gives them (RFC 9110 §9.3.2, §15.3.5)', async () => {
    const json = { 'application/json': { schema: { type: 'object' } } };
    const checker = await createConformanceChecker({
      openapi: '3.0.0',
      info: { title: 'Bodiless', version: '1' },
      paths: {
        '/things/{id}': {
          head: { operationId: 'checkThing', responses: { '200': { description: 'exists', content: json } } },
          delete: { operationId: 'deleteThing', responses: { '204': { description: 'gone', content: json } } },
        },
      },
    } as never);
    const bodiless = { headers: {}, body: undefined, text: '' };
    assert.deepEqual(checker.check({ method: 'HEAD', path: '/things/1', status: 200, ...bodiless }), []);
    assert.deepEqual(checker.check({ method: 'DELETE', path: '/things/1', status: 204, ...bodiless }), []);
  });
});
