/**
 * The indexed router must route exactly as openapi-backend's own router does
 * (it replaces it for speed only), and the validators compiled at build time
 * must be the ones the twin runs on, so that a twin starts compiling nothing.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OpenAPIBackend, OpenAPIRouter } from 'openapi-backend';
import type { OpenAPIV3 } from 'openapi-types';
import { type ApiName, loadSpec, precompiledValidators } from '../spec/load.js';
import { installPrecompiled, sharedAjv } from './precompiled.js';
import { IndexedRouter } from './route-table.js';

const APIS: ApiName[] = ['maxscale', 'pip-sessions'];
const METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];

async function dereferenced(api: ApiName): Promise<OpenAPIV3.Document> {
  const backend = new OpenAPIBackend({ definition: structuredClone(await loadSpec(api)) as OpenAPIBackend['definition'], quick: true });
  await backend.init();
  return backend.definition as OpenAPIV3.Document;
}

/** Every spec path with its templates filled in, trailing-slash and unknown variants, and paths that match nothing. */
function pathsOf(doc: OpenAPIV3.Document): string[] {
  const filled = Object.keys(doc.paths ?? {}).map((p) => p.replace(/\{[^}]+\}/g, 'x1'));
  return [...filled, ...filled.map((p) => `${p}/`), ...filled.map((p) => `${p}/nothing-here`), '/', '/nothing', '/v1/nothing/at/all'];
}

for (const api of APIS) {
  describe(`${api}: the indexed router`, () => {
    test("routes every method and path to the operation openapi-backend's router finds, 404 and 405 alike", async () => {
      const doc = await dereferenced(api);
      const theirs = new OpenAPIRouter({ definition: doc, apiRoot: '/', ignoreTrailingSlashes: true });
      const ours = new IndexedRouter(doc);
      let compared = 0;
      for (const path of pathsOf(doc)) {
        for (const method of METHODS) {
          const req = { method, path, headers: {} };
          let expected: string;
          try {
            expected = `operation ${theirs.matchOperation(req, true).operationId}`;
          } catch (err) {
            expected = (err as Error).message.slice(0, 3);
          }
          let actual: string;
          try {
            actual = `operation ${ours.matchOperation(req, true).operationId}`;
          } catch (err) {
            actual = (err as Error).message.slice(0, 3);
          }
          assert.equal(actual, expected, `${method} ${path}`);
          compared++;
        }
      }
      assert.ok(compared > 100);
    });

    test('lists and finds the same operations as openapi-backend', async () => {
      const doc = await dereferenced(api);
      const theirs = new OpenAPIRouter({ definition: doc });
      const ours = new IndexedRouter(doc);
      assert.deepEqual(ours.getOperations(), theirs.getOperations());
      for (const op of theirs.getOperations()) assert.deepEqual(ours.getOperation(op.operationId ?? ''), op);
    });
  });

  describe(`${api}: the validators compiled at build time`, () => {
    test('are fresh, and cover every operation, so that nothing is compiled at run time', async () => {
      const validators = precompiledValidators(api);
      assert.ok(validators, `generated/${api}.validators.cjs is missing or stale: run make generate`);
      const doc = await dereferenced(api);
      const ids = new IndexedRouter(doc).getOperations().map((op) => op.operationId);
      assert.deepEqual(Object.keys(validators.request).sort(), [...ids].sort());
      assert.deepEqual(Object.keys(validators.response).sort(), [...ids].sort());

      let compiled = 0;
      const backend = new OpenAPIBackend({
        definition: structuredClone(await loadSpec(api)) as OpenAPIBackend['definition'],
        quick: true,
        coerceTypes: true,
        customizeAjv: (original, opts, context) => {
          compiled++;
          return sharedAjv()(original, opts, context);
        },
      });
      await backend.init();
      backend.validator.router = new IndexedRouter(backend.definition as OpenAPIV3.Document);
      installPrecompiled(backend.validator, validators);
      for (const op of backend.validator.router.getOperations()) {
        backend.validator.getRequestValidatorsForOperation(op.operationId ?? '');
        backend.validator.getStatusBasedResponseValidatorForOperation(op.operationId ?? '');
      }
      assert.equal(compiled, 0);
    });
  });
}

describe('path parameters sharing a segment', () => {
  const definition = {
    openapi: '3.0.3',
    info: { title: 'Top stories', version: '1' },
    paths: {
      '/{section}.{format}': { get: { operationId: 'getStories', responses: { '200': { description: 'ok' } } } },
      '/records/{id}': { get: { operationId: 'getRecord', responses: { '200': { description: 'ok' } } } },
    },
  } as OpenAPIV3.Document;
  const router = new IndexedRouter(definition);
  const params = (path: string) =>
    router.parseRequest({ method: 'get', path, headers: {} }, router.matchOperation({ method: 'get', path, headers: {} })).params;

  test("are each read from the segment (openapi-backend's matcher read /home.json as 'home.jso' and '')", () => {
    assert.deepEqual(params('/home.json'), { section: 'home', format: 'json' });
    assert.deepEqual(params('/world%20news.xml'), { section: 'world news', format: 'xml' });
  });

  test('a parameter alone in its segment is read as openapi-backend reads it', () => {
    assert.deepEqual(params('/records/a.b'), { id: 'a.b' });
  });
});

test("a query parameter declared with brackets (balldontlie.io's seasons[]) is read under its declared name", () => {
  const definition = {
    openapi: '3.0.3',
    info: { title: 'Games', version: '1' },
    paths: {
      '/games': {
        get: {
          operationId: 'listGames',
          parameters: [{ name: 'seasons[]', in: 'query', schema: { type: 'string' } }],
          responses: { '200': { description: 'ok' } },
        },
      },
    },
  } as OpenAPIV3.Document;
  const router = new IndexedRouter(definition);
  const req = { method: 'get', path: '/games', query: 'seasons%5B%5D=2018&limit=5', headers: {} };
  assert.deepEqual(router.parseRequest(req, router.matchOperation(req)).query, { 'seasons[]': '2018', limit: '5' });
});

test("a template with a trailing slash is routed and read as the request path is matched: without it (AWS's GET /functions/ beside POST /functions)", () => {
  const definition = {
    openapi: '3.0.3',
    info: { title: 'Functions', version: '1' },
    paths: {
      '/functions/': { get: { operationId: 'listFunctions', responses: { '200': { description: 'ok' } } } },
      '/functions': { post: { operationId: 'createFunction', responses: { '201': { description: 'ok' } } } },
      '/plans/{planId}/': { get: { operationId: 'getPlan', responses: { '200': { description: 'ok' } } } },
    },
  } as OpenAPIV3.Document;
  const router = new IndexedRouter(definition);
  const op = (method: string, path: string) => router.matchOperation({ method, path, headers: {} })?.operationId;
  assert.equal(op('get', '/functions/'), 'listFunctions');
  assert.equal(op('get', '/functions'), 'listFunctions');
  assert.equal(op('post', '/functions'), 'createFunction');
  const req = { method: 'get', path: '/plans/p1/', headers: {} };
  assert.equal(op('get', '/plans/p1/'), 'getPlan');
  assert.deepEqual(router.parseRequest(req, router.matchOperation(req)).params, { planId: 'p1' });
});

test("a path written with a trailing slash goes to the operation whose path has it, where another's has not (useapi.net's /jobs/ beside /jobs)", () => {
  const definition = {
    openapi: '3.0.3',
    info: { title: 'Jobs', version: '1' },
    paths: {
      '/jobs': { get: { operationId: 'listJobs', responses: { '200': { description: 'ok' } } } },
      '/jobs/': { get: { operationId: 'getJob', responses: { '200': { description: 'ok' } } } },
    },
  } as OpenAPIV3.Document;
  const router = new IndexedRouter(definition);
  const op = (path: string) => router.matchOperation({ method: 'get', path, headers: {} })?.operationId;
  assert.equal(op('/jobs'), 'listJobs');
  assert.equal(op('/jobs/'), 'getJob');
  assert.equal(op('/jobs/?jobid=1'), 'getJob');
});

test("of two templates alike (The Noun Project's /collection/{id} and /collection/{slug}), a path goes to the one whose parameter takes its value", () => {
  const param = (name: string, schema: OpenAPIV3.SchemaObject): OpenAPIV3.ParameterObject => ({ name, in: 'path', required: true, schema });
  const definition = {
    openapi: '3.0.3',
    info: { title: 'Collections', version: '1' },
    paths: {
      '/collection/{id}': {
        get: {
          operationId: 'getCollectionById',
          parameters: [param('id', { type: 'integer' })],
          responses: { '200': { description: 'ok' } },
        },
      },
      '/collection/{slug}': {
        get: {
          operationId: 'getCollectionBySlug',
          parameters: [param('slug', { type: 'string' })],
          responses: { '200': { description: 'ok' } },
        },
      },
    },
  } as OpenAPIV3.Document;
  const router = new IndexedRouter(definition);
  const op = (path: string) => router.matchOperation({ method: 'get', path, headers: {} })?.operationId;
  assert.equal(op('/collection/42'), 'getCollectionById');
  assert.equal(op('/collection/cats'), 'getCollectionBySlug');
});

test("a parameter beside literal text in its segment is read from it (Azure Search's /docs('{key}'))", () => {
  const definition = {
    openapi: '3.0.3',
    info: { title: 'Search', version: '1' },
    paths: {
      "/docs('{key}')": {
        get: {
          operationId: 'getDocument',
          parameters: [{ name: 'key', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'ok' } },
        },
      },
    },
  } as OpenAPIV3.Document;
  const router = new IndexedRouter(definition);
  const req = { method: 'get', path: "/docs('1')", headers: {} };
  assert.equal(router.matchOperation(req)?.operationId, 'getDocument');
  assert.deepEqual(router.parseRequest(req, router.matchOperation(req)).params, { key: '1' });
});

test("a query parameter that says explode: false is split at its commas only when it is an array (Rudder's format=csv)", () => {
  const param = (name: string, schema: OpenAPIV3.SchemaObject): OpenAPIV3.ParameterObject => ({
    name,
    in: 'query',
    style: 'form',
    explode: false,
    schema,
  });
  const definition = {
    openapi: '3.0.3',
    info: { title: 'Compliance', version: '1' },
    paths: {
      '/compliance': {
        get: {
          operationId: 'getCompliance',
          parameters: [param('format', { type: 'string' }), param('ids', { type: 'array', items: { type: 'string' } })],
          responses: { '200': { description: 'ok' } },
        },
      },
    },
  } as OpenAPIV3.Document;
  const router = new IndexedRouter(definition);
  const req = { method: 'get', path: '/compliance', query: 'format=csv,gz&ids=a,b', headers: {} };
  assert.deepEqual(router.parseRequest(req, router.matchOperation(req)).query, { format: 'csv,gz', ids: ['a', 'b'] });
});

test('a path parameter that is an array is read as its comma-separated items, and a `$` in a template is literal (TfL, Google Healthcare)', () => {
  const definition = {
    openapi: '3.0.3',
    info: { title: 'Lines', version: '1' },
    paths: {
      '/Line/Mode/{modes}': {
        get: {
          operationId: 'getLinesByMode',
          parameters: [{ name: 'modes', in: 'path', required: true, schema: { type: 'array', items: { type: 'string' } } }],
          responses: { '200': { description: 'ok' } },
        },
      },
      '/v1/{name}/$consent-status': {
        get: {
          operationId: 'getConsentStatus',
          parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'ok' } },
        },
      },
    },
  } as OpenAPIV3.Document;
  const router = new IndexedRouter(definition);
  const params = (path: string) => {
    const req = { method: 'get', path, headers: {} };
    return router.parseRequest(req, router.matchOperation(req)).params;
  };
  assert.deepEqual(params('/Line/Mode/tube,dlr'), { modes: ['tube', 'dlr'] });
  assert.deepEqual(params('/v1/patients/$consent-status'), { name: 'patients' });
});
