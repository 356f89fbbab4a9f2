/**
 * The generic twin accepts what a real server of the spec would, and sends
 * only what a client can read: cases found by serving the APIs.guru corpus.
 * Each spec here is the smallest that shows one case.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { createConformanceChecker } from '../spec/conformance.js';
import { specFiles } from '../testing/spec-files.js';
import { createGenericApp } from './app.js';
import { loadAnySpec } from './load.js';

const specFile = specFiles('leniency');

const info = { title: 'Workflows', version: '1' };
const workflow = { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } };

test("a path parameter documented as oneOf [integer, string] takes a number (GitHub's workflow_id)", async () => {
  // As text, `42` fits both branches once coerced: read as anyOf, it is the value the spec describes.
  const file = specFile('workflow-id.json', {
    openapi: '3.0.3',
    info,
    paths: {
      '/workflows/{workflow_id}': {
        get: {
          operationId: 'getWorkflow',
          parameters: [{ name: 'workflow_id', in: 'path', required: true, schema: { oneOf: [{ type: 'integer' }, { type: 'string' }] } }],
          responses: { '200': { description: 'ok', content: { 'application/json': { schema: workflow } } } },
        },
      },
    },
  });
  const generic = await createGenericApp(file, { corsOrigins: [] });
  const checker = await createConformanceChecker((await loadAnySpec(file)).bundled);
  for (const id of ['42', 'main.yaml']) {
    const res = await request(generic.app).get(`/workflows/${id}`);
    assert.equal(res.status, 200, `${id}: ${res.text}`);
    const violations = checker.check({
      method: 'GET',
      path: `/workflows/${id}`,
      status: res.status,
      headers: res.headers,
      body: res.body,
      text: res.text,
    });
    assert.deepEqual(violations, []);
  }
});

test("a response whose oneOf branches overlap is sent and passes the suite (Docker's months or weeks)", async () => {
  // Neither branch requires its member, so every object fits both: under a strict oneOf no body the
  // real API sends could pass, and the twin answered 500. Read as anyOf, the documented shape holds.
  const data = (member: string) => ({ type: 'object', properties: { [member]: { type: 'array', items: { type: 'integer' } } } });
  const file = specFile('overlapping-one-of.json', {
    openapi: '3.0.3',
    info,
    paths: {
      '/timespans': {
        get: {
          operationId: 'listTimespans',
          responses: {
            '200': { description: 'ok', content: { 'application/json': { schema: { oneOf: [data('months'), data('weeks')] } } } },
          },
        },
      },
    },
  });
  const generic = await createGenericApp(file, { corsOrigins: [] });
  const checker = await createConformanceChecker((await loadAnySpec(file)).bundled);
  const res = await request(generic.app).get('/timespans');
  assert.equal(res.status, 200, res.text);
  const exchange = { method: 'GET', path: '/timespans', status: res.status, headers: res.headers, body: res.body, text: res.text };
  assert.deepEqual(checker.check(exchange), []);
  // A body that fits no branch is still refused.
  assert.notDeepEqual(checker.check({ ...exchange, body: { months: 'june', weeks: 'one' } }), []);
});

test("an operation that documents only an error answers it, its only documented status (CoWIN's certificate download)", async () => {
  const file = specFile('only-error.json', {
    openapi: '3.0.3',
    info,
    paths: {
      '/certificates': {
        post: {
          operationId: 'getCertificate',
          responses: {
            '400': {
              description: 'bad',
              content: { 'application/json': { schema: { type: 'object', properties: { message: { type: 'string' } } } } },
            },
          },
        },
      },
    },
  });
  const generic = await createGenericApp(file, { corsOrigins: [] });
  const res = await request(generic.app).post('/certificates');
  assert.equal(res.status, 400, res.text);
});

test('a schema that says object while its example is an array is answered with an object (nic.at)', async () => {
  const file = specFile('example-of-another-type.json', {
    openapi: '3.0.3',
    info,
    paths: {
      '/suggest': {
        get: {
          operationId: 'suggest',
          responses: {
            '200': {
              description: 'ok',
              content: {
                'application/json': {
                  schema: { type: 'object', properties: { '': { type: 'array', items: { type: 'string' } } }, example: ['a.at', 'b.at'] },
                },
              },
            },
          },
        },
      },
    },
  });
  const generic = await createGenericApp(file, { corsOrigins: [] });
  const res = await request(generic.app).get('/suggest');
  assert.equal(res.status, 200, res.text);
  assert.equal(typeof res.body, 'object');
  assert.ok(!Array.isArray(res.body));
});

test("an exploded object query parameter is read from its members (microcks's queryMap)", async () => {
  const file = specFile('exploded-object.json', {
    openapi: '3.0.3',
    info,
    paths: {
      '/services/search': {
        get: {
          operationId: 'searchServices',
          parameters: [
            { name: 'page', in: 'query', schema: { type: 'integer' } },
            { name: 'queryMap', in: 'query', required: true, schema: { type: 'object', additionalProperties: { type: 'string' } } },
          ],
          responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'array', items: workflow } } } } },
        },
      },
    },
  });
  const generic = await createGenericApp(file, { corsOrigins: [] });
  assert.equal((await request(generic.app).get('/services/search?name=x&labels.env=prod&page=1')).status, 200);
  // Still required: no member at all is no value.
  assert.equal((await request(generic.app).get('/services/search?page=1')).status, 400);
});

test('an optional member no value can satisfy is left out of the answer, not answered 500 (AWS Data Exchange)', async () => {
  // `.*/^…$/.*` asks for a line start after a slash: no string matches it.
  const never = { type: 'string', pattern: '.*/^[0-9]{12}$/.*', minLength: 12 };
  const part = (name: string) => ({
    type: 'object',
    required: ['catalogId'],
    properties: { catalogId: never, name: { type: 'string' } },
    title: name,
  });
  const file = specFile('unsatisfiable-member.json', {
    openapi: '3.0.3',
    info,
    paths: {
      '/jobs/{id}': {
        get: {
          operationId: 'getJob',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': {
              description: 'ok',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['id'],
                    properties: {
                      id: { type: 'string' },
                      details: { type: 'object', properties: { a: part('a'), b: part('b'), c: part('c') } },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  });
  const generic = await createGenericApp(file, { corsOrigins: [] });
  const res = await request(generic.app).get('/jobs/j1');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.details?.a, undefined);
});

test("a JSON body that is a string is read as that string (opentargets.io's search terms)", async () => {
  const file = specFile('string-body.json', {
    openapi: '3.0.3',
    info,
    paths: {
      '/search': {
        post: {
          operationId: 'search',
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'string' } } } },
          responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } },
        },
      },
    },
  });
  const generic = await createGenericApp(file, { corsOrigins: [] });
  const res = await request(generic.app).post('/search').set('Content-Type', 'application/json').send('"brca1"');
  assert.equal(res.status, 200, res.text);
  // Still JSON: text that is not is refused.
  assert.equal((await request(generic.app).post('/search').set('Content-Type', 'application/json').send('brca1')).status, 400);
});

test("an API with a path of its own at /docs keeps it: Swagger UI moves to /__apitwin/docs (Azure Search's GET /docs)", async () => {
  const file = specFile('own-docs.json', {
    openapi: '3.0.3',
    info,
    paths: {
      '/docs': {
        get: {
          operationId: 'searchDocuments',
          responses: {
            '200': {
              description: 'ok',
              content: { 'application/json': { schema: { type: 'object', properties: { value: { type: 'array' } } } } },
            },
          },
        },
      },
    },
  });
  const generic = await createGenericApp(file, { corsOrigins: [] });
  const own = await request(generic.app).get('/docs');
  assert.equal(own.status, 200);
  assert.match(String(own.headers['content-type']), /application\/json/);
  const ui = await request(generic.app).get('/__apitwin/docs');
  assert.equal(ui.status, 200);
  assert.match(String(ui.headers['content-type']), /text\/html/);
  assert.equal((await request(generic.app).get('/__apitwin/openapi.json')).status, 200);
});

test("a body between a oneOf's branches is fixed toward the closest one, not toward all at once (PandaScore's videogames)", async () => {
  const game = (id: number, name: string, slug: string) => ({
    type: 'object',
    additionalProperties: false,
    required: ['id', 'name', 'slug'],
    properties: { id: { enum: [id] }, name: { enum: [name] }, slug: { enum: [slug] } },
  });
  const file = specFile('closest-branch.json', {
    openapi: '3.0.3',
    info,
    paths: {
      '/videogame': {
        get: {
          operationId: 'getVideogame',
          responses: {
            '200': {
              description: 'ok',
              content: {
                'application/json': {
                  schema: { oneOf: [game(1, 'LoL', 'league-of-legends'), game(3, 'CS:GO', 'cs-go'), game(4, 'Dota 2', 'dota-2')] },
                  example: { id: 1, name: 'CS:GO', slug: 'dota-2' },
                },
              },
            },
          },
        },
      },
    },
  });
  const generic = await createGenericApp(file, { corsOrigins: [] });
  const res = await request(generic.app).get('/videogame');
  assert.equal(res.status, 200, res.text);
});

test("a 205 Reset Content is sent without content, whatever the spec documents, and judged so (Gitea's notifications)", async () => {
  const file = specFile('reset-content.json', {
    openapi: '3.0.3',
    info,
    paths: {
      '/notifications': {
        put: {
          operationId: 'readNotifications',
          responses: { '205': { description: 'reset', content: { 'application/json': { schema: { type: 'array', items: workflow } } } } },
        },
      },
    },
  });
  const generic = await createGenericApp(file, { corsOrigins: [] });
  const checker = await createConformanceChecker((await loadAnySpec(file)).bundled);
  const res = await request(generic.app).put('/notifications');
  assert.equal(res.status, 205);
  assert.equal(res.text, '');
  const exchange = { method: 'PUT', path: '/notifications', status: 205, headers: res.headers, body: undefined, text: '' };
  assert.deepEqual(checker.check(exchange), []);
});

test('documented framing headers (Transfer-Encoding) are left to the server: the response stays readable', async () => {
  const header = (example: string) => ({ schema: { type: 'string' }, example });
  const file = specFile('framing.json', {
    openapi: '3.0.3',
    info,
    paths: {
      '/workflows': {
        get: {
          operationId: 'listWorkflows',
          responses: {
            '200': {
              description: 'ok',
              headers: { 'Transfer-Encoding': header('chunked'), 'X-Rate-Limit': header('60') },
              content: { 'application/json': { schema: { type: 'array', items: workflow } } },
            },
          },
        },
      },
    },
  });
  const generic = await createGenericApp(file, { corsOrigins: [] });
  const res = await request(generic.app).get('/workflows');
  assert.equal(res.status, 200);
  assert.ok(Array.isArray(res.body));
  assert.equal(res.headers['x-rate-limit'], '60');
  assert.equal(res.headers['transfer-encoding'], undefined);
});

test('a response documented in several media types is sent in the one Accept asks for (archive.org: javascript or json)', async () => {
  const list = { schema: { type: 'array', items: { type: 'string' } }, example: ['identifier'] };
  const file = specFile('accept.json', {
    openapi: '3.0.3',
    info,
    paths: {
      '/fields': {
        get: {
          operationId: 'listFields',
          responses: { '200': { description: 'ok', content: { 'application/javascript': list, 'application/json': list } } },
        },
      },
    },
  });
  const generic = await createGenericApp(file, { corsOrigins: [] });
  const asked = await request(generic.app).get('/fields').set('Accept', 'application/javascript');
  assert.equal(asked.status, 200, asked.text);
  assert.match(asked.headers['content-type'] ?? '', /^application\/javascript/);
  assert.deepEqual(JSON.parse(asked.text), ['identifier']);
  const plain = await request(generic.app).get('/fields');
  assert.match(plain.headers['content-type'] ?? '', /^application\/json/);
  const anything = await request(generic.app).get('/fields').set('Accept', 'text/html');
  assert.equal(anything.status, 200);
  assert.match(anything.headers['content-type'] ?? '', /^application\/json/);
});

test("a $ref into a path's response (eos.local) is followed: the twin serves, and the checker judges, the operation", async () => {
  const token = { type: 'string', example: 'abc' };
  const status = {
    type: 'object',
    properties: {
      last: { type: 'object', properties: { token } },
      previous: { $ref: '#/paths/~1net~1status/get/responses/200/content/application~1json/schema/properties/last' },
    },
  };
  const file = specFile('path-ref.json', {
    openapi: '3.0.3',
    info,
    paths: {
      '/net/status': {
        get: { operationId: 'getStatus', responses: { '200': { description: 'ok', content: { 'application/json': { schema: status } } } } },
      },
    },
  });
  const generic = await createGenericApp(file, { corsOrigins: [] });
  const checker = await createConformanceChecker((await loadAnySpec(file)).bundled);
  const res = await request(generic.app).get('/net/status');
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(
    checker.check({ method: 'GET', path: '/net/status', status: res.status, headers: res.headers, body: res.body, text: res.text }),
    [],
  );
  assert.deepEqual(
    checker.check({
      method: 'GET',
      path: '/net/status',
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: { previous: { token: 1 } },
      text: '{}',
    })[0]?.check,
    'response_schema_conformance',
  );
});

test("an object of free members that must have some (APIs.guru's info: minProperties 1) is answered with members", async () => {
  const file = specFile('min-properties.json', {
    openapi: '3.0.3',
    info,
    paths: {
      '/specs/{api}': {
        get: {
          operationId: 'getApi',
          parameters: [{ name: 'api', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': {
              description: 'ok',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: { info: { type: 'object', minProperties: 2, additionalProperties: true } },
                    required: ['info'],
                  },
                },
              },
            },
          },
        },
      },
    },
  });
  const generic = await createGenericApp(file, { corsOrigins: [] });
  const res = await request(generic.app).get('/specs/petstore');
  assert.equal(res.status, 200, res.text);
  assert.ok(Object.keys(res.body.info).length >= 2);
});

test("a HEAD operation the spec documents is served as itself, not as the GET of its path (Azure's CheckNameExists)", async () => {
  const file = specFile('head.json', {
    openapi: '3.0.3',
    info,
    paths: {
      '/names/{name}': {
        head: {
          operationId: 'checkNameExists',
          parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'taken' }, '404': { description: 'free' } },
        },
      },
      '/workflows': {
        get: {
          operationId: 'listWorkflows',
          responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'array', items: workflow } } } } },
        },
      },
    },
  });
  const generic = await createGenericApp(file, { corsOrigins: [] });
  const head = await request(generic.app).head('/names/db1');
  assert.equal(head.status, 200);
  // And a path with a GET only still answers HEAD as its GET (RFC 9110 §9.3.2).
  assert.equal((await request(generic.app).head('/workflows')).status, 200);
});

test("a documented header whose sample holds characters a header cannot carry is sent without them (apple.com's ETag)", async () => {
  const file = specFile('etag.json', {
    openapi: '3.0.3',
    info,
    paths: {
      '/configuration': {
        get: {
          operationId: 'getConfiguration',
          responses: {
            '200': {
              description: 'ok',
              headers: { ETag: { required: true, schema: { type: 'string', example: 'tag-\u00e9\u0001-1' } } },
              content: { 'application/json': { schema: workflow } },
            },
          },
        },
      },
    },
  });
  const generic = await createGenericApp(file, { corsOrigins: [] });
  const res = await request(generic.app).get('/configuration');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers.etag, 'tag--1');
});
