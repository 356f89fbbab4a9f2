/**
 * The examples phase on specs that are not ours: what Dredd is given to read,
 * and the transactions it cannot replay fairly (a request it built incomplete,
 * a document its parser fails on) skipped with their reason instead of failed.
 * Each spec is served by the generic twin on a loopback port.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import type { OpenAPIV3 } from 'openapi-types';
import { createGenericApp } from '../../src/generic/app.js';
import { specFiles } from '../../src/testing/spec-files.js';
import { replayable } from '../dredd/run.js';
import { runSuite } from '../engine/run.js';
import { loadSpecModel } from '../engine/spec.js';
import type { CaseResult } from '../engine/types.js';
import { dreddDocument } from './examples.js';

const specFile = specFiles('examples');

const info = { title: 'Agreements', version: '1' };

/** The example_replay cases of the whole suite run against the spec's generic twin. */
async function replay(file: string): Promise<CaseResult[]> {
  const generic = await createGenericApp(file, { corsOrigins: [] });
  const server: Server = await new Promise((resolve) => {
    const s = generic.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    const { port } = server.address() as AddressInfo;
    const outcome = await runSuite({ api: 'agreements', spec: file, target: `http://127.0.0.1:${port}` });
    assert.deepEqual(
      outcome.results.filter((r) => r.status === 'fail').map((r) => `${r.check} ${r.name}: ${r.failures[0]?.message}`),
      [],
    );
    return outcome.results.filter((r) => r.check === 'example_replay');
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('the document Dredd reads', () => {
  const agreement = { type: 'object', properties: { key: { type: 'string' } } };
  const paths = (schema: unknown) => ({
    '/agreements': {
      get: {
        operationId: 'listAgreements',
        responses: { '200': { description: 'ok', content: { 'application/json': { schema } } } },
      },
    },
  });

  test('a spec whose $refs all name components is given bundled: dereferencing would repeat each shared schema', async () => {
    const file = specFile('components.json', {
      openapi: '3.0.3',
      info,
      paths: paths({ type: 'array', items: { $ref: '#/components/schemas/Agreement' } }),
      components: { schemas: { Agreement: agreement } },
    });
    const spec = await loadSpecModel('agreements', file);
    assert.equal(dreddDocument(spec), spec.bundled);
  });

  test('a $ref into another place than a component (which Dredd does not resolve) makes it dereferenced', async () => {
    const file = specFile('deep-ref.json', {
      openapi: '3.0.3',
      info,
      paths: paths({ type: 'array', items: { $ref: '#/components/schemas/List/items' } }),
      components: { schemas: { List: { type: 'array', items: agreement } } },
    });
    const spec = await loadSpecModel('agreements', file);
    assert.equal(dreddDocument(spec), spec.document);
  });
});

describe('transactions Dredd cannot replay fairly', () => {
  test('a request Dredd built without a required query parameter (it had no example) is skipped as one the spec refuses', async () => {
    // ote-godaddy.com/agreements in the corpus: Dredd left out `keys` and the twin rightly answered 400.
    const file = specFile('required-query.json', {
      openapi: '3.0.3',
      info,
      paths: {
        '/v1/agreements': {
          get: {
            operationId: 'listAgreements',
            parameters: [
              {
                name: 'keys',
                in: 'query',
                required: true,
                style: 'form',
                explode: false,
                schema: { type: 'array', items: { type: 'string' } },
              },
            ],
            responses: {
              '200': {
                description: 'The agreements',
                content: { 'application/json': { schema: { type: 'array', items: { type: 'string' } }, example: ['a'] } },
              },
              '400': { description: 'Invalid request' },
            },
          },
        },
      },
    });
    const cases = await replay(file);
    const ok = cases.find((c) => c.name.includes('(200)'));
    const invalid = cases.find((c) => c.name.includes('(400)'));
    assert.equal(ok?.status, 'skip');
    assert.match(ok?.reason ?? '', /the spec refuses \(.*keys/);
    assert.match(invalid?.reason ?? '', /provoking 400/);
  });

  test('a complete request is replayed as before', async () => {
    const file = specFile('complete.json', {
      openapi: '3.0.3',
      info,
      paths: {
        '/v1/agreements': {
          get: {
            operationId: 'listAgreements',
            parameters: [{ name: 'keys', in: 'query', required: true, schema: { type: 'string' }, example: 'a' }],
            responses: {
              '200': { description: 'ok', content: { 'application/json': { schema: { type: 'array', items: { type: 'string' } } } } },
              '400': { description: 'Invalid request' },
            },
          },
        },
      },
    });
    const cases = await replay(file);
    assert.deepEqual(cases.map((c) => `${c.status} ${c.name}`).sort(), [
      'pass GET (200) /v1/agreements?keys=a',
      'skip GET (400) /v1/agreements',
    ]);
  });
});

describe('what Dredd reads of a spec not ours', () => {
  const ok = (schema: string) => ({
    description: 'ok',
    content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } },
  });
  const doc = {
    openapi: '3.0.3',
    info,
    paths: {
      '/pets': {
        get: { responses: { '200': ok('PetList'), '404': ok('Error') } },
        post: { responses: { '201': ok('Pet'), '400': ok('Error') } },
      },
    },
    components: {
      schemas: {
        PetList: { type: 'array', items: { $ref: '#/components/schemas/Pet' } },
        Pet: { type: 'object' },
        Error: { type: 'object' },
        Unused: { type: 'object' },
      },
      securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Key' } },
    },
  } as unknown as OpenAPIV3.Document;

  test('only the documented 2xx of reads, with the components they use; the rest is skipped with its reason', () => {
    const { document, withheld } = replayable(doc, false);
    assert.deepEqual(Object.keys(document.paths['/pets'] ?? {}), ['get']);
    assert.deepEqual(Object.keys(document.paths['/pets']?.get?.responses ?? {}), ['200']);
    assert.deepEqual(Object.keys(document.components?.schemas ?? {}).sort(), ['Pet', 'PetList']);
    assert.ok(document.components?.securitySchemes?.key);
    assert.deepEqual(
      withheld.map((w) => w.name),
      ['GET (404) /pets', 'POST (201) /pets', 'POST (400) /pets'],
    );
    assert.match(withheld[1]?.reason ?? '', /--allow-destructive/);
  });

  test('with --allow-destructive the documented 2xx of writes are read too', () => {
    const { document } = replayable(doc, true);
    assert.deepEqual(Object.keys(document.paths['/pets'] ?? {}), ['get', 'post']);
    assert.deepEqual(Object.keys(document.paths['/pets']?.post?.responses ?? {}), ['201']);
  });
});
