/**
 * Loading any spec for a generic twin: JSON and YAML, a document's own `$ref`s
 * kept as they are, `$ref`s to other files bundled in, and a clear reason for
 * what cannot be read.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { hasExternalRefs, loadAnySpec, parseSpecText, SpecLoadError } from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'apitwin-load-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const petSchema = { type: 'object', properties: { id: { type: 'integer' }, born: { type: 'string', format: 'date' } } };

const doc = (pet: unknown) => ({
  openapi: '3.0.3',
  info: { title: 'Pets', version: '1' },
  paths: {
    '/pets/{id}': {
      get: {
        parameters: [{ in: 'path', name: 'id', required: true, schema: { type: 'integer' } }],
        responses: { '200': { description: 'ok', content: { 'application/json': { schema: pet } } } },
      },
    },
  },
  components: { schemas: { Pet: petSchema } },
});

describe('hasExternalRefs', () => {
  const cases: [string, unknown, boolean][] = [
    ['a document without $ref', doc(petSchema), false],
    ['only references inside the document', doc({ $ref: '#/components/schemas/Pet' }), false],
    ['a reference to another file', doc({ $ref: 'pet.yaml' }), true],
    ['a reference to a part of another file, deep in an array', { a: [{ b: [{ $ref: 'other.json#/Pet' }] }] }, true],
    ['a member named $ref whose value is not a string (an example)', { example: { $ref: 42 } }, false],
  ];
  for (const [name, given, want] of cases) test(name, () => assert.equal(hasExternalRefs(given), want));
});

describe('parseSpecText', () => {
  test('reads JSON, and YAML with dates kept as strings (YAML 1.2 core schema)', async () => {
    assert.deepEqual(await parseSpecText('{"openapi": "3.0.3"}'), { openapi: '3.0.3' });
    assert.deepEqual(await parseSpecText('openapi: 3.0.3\ninfo:\n  version: 2020-01-01\n  x: ~\n'), {
      openapi: '3.0.3',
      info: { version: '2020-01-01', x: null },
    });
  });

  test('reads a YAML flow mapping that is not JSON', async () => {
    assert.deepEqual(await parseSpecText('{openapi: 3.1.0}'), { openapi: '3.1.0' });
  });
});

describe('loadAnySpec', () => {
  test('a JSON document keeps its own $refs as they are, and each operation gets an operationId', async () => {
    const loaded = await loadAnySpec(file('pets.json', JSON.stringify(doc({ $ref: '#/components/schemas/Pet' }))));
    assert.equal(loaded.sourceVersion, '3.0.3');
    const get = loaded.bundled.paths['/pets/{id}']?.get;
    assert.equal(get?.operationId, 'get /pets/{id}');
    const response = get?.responses['200'] as { content: Record<string, { schema: unknown }> };
    assert.deepEqual(response.content['application/json']?.schema, { $ref: '#/components/schemas/Pet' });
  });

  test('a YAML document whose $ref points to another file has it bundled in', async () => {
    file('pet.json', JSON.stringify(petSchema));
    const yaml = [
      'openapi: 3.0.3',
      'info: {title: Pets, version: "1"}',
      'paths:',
      '  /pets:',
      '    get:',
      '      operationId: listPets',
      '      responses:',
      "        '200':",
      '          description: ok',
      '          content:',
      '            application/json:',
      '              schema: {$ref: pet.json}',
    ].join('\n');
    const loaded = await loadAnySpec(file('pets.yaml', yaml));
    assert.equal(hasExternalRefs(loaded.bundled), false);
    const response = loaded.bundled.paths['/pets']?.get?.responses['200'] as { content: Record<string, { schema: unknown }> };
    assert.deepEqual(response.content['application/json']?.schema, petSchema);
  });

  test('a JSON document whose $ref points to another file has it bundled in', async () => {
    file('pet-schema.json', JSON.stringify(petSchema));
    const loaded = await loadAnySpec(file('pets-external.json', JSON.stringify(doc({ $ref: 'pet-schema.json' }), null, 2)));
    assert.equal(hasExternalRefs(loaded.bundled), false);
    const response = loaded.bundled.paths['/pets/{id}']?.get?.responses['200'] as { content: Record<string, { schema: unknown }> };
    assert.deepEqual(response.content['application/json']?.schema, petSchema);
  });

  test('a document given as an object is not changed by loading it', async () => {
    const given = doc(petSchema);
    const before = structuredClone(given);
    await loadAnySpec(given);
    assert.deepEqual(given, before);
  });

  const refused: [string, string, RegExp][] = [
    ['a missing file', join(dir, 'nope.json'), /could not be read: .*ENOENT/],
    ['text that is neither JSON nor YAML', file('broken.yaml', 'openapi: [3.0.3\n'), /could not be read/],
    ['a JSON array', file('array.json', '[1, 2]'), /could not be read: it is not an object/],
    ['a JSON document that is not OpenAPI', file('other.json', '{"hello": "world"}'), /not an OpenAPI 3.0 \/ 3.1 or Swagger 2.0 document/],
    ['OpenAPI without paths', file('nopaths.json', '{"openapi": "3.1.0", "info": {"title": "x", "version": "1"}}'), /has no `paths`/],
  ];
  for (const [name, path, reason] of refused) {
    test(`${name} is refused with the reason`, async () => {
      await assert.rejects(loadAnySpec(path), (err: unknown) => err instanceof SpecLoadError && reason.test(err.message));
    });
  }
});
