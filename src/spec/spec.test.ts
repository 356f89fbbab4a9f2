/**
 * The specs themselves: each is a valid OpenAPI 3 document (swagger-parser),
 * has unique verbNoun operationIds, and every example in it — on parameters,
 * request bodies and responses — validates against its own schema, so what
 * Swagger UI shows and Dredd replays is what the schema allows.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { OpenAPIV3 } from 'openapi-types';
import { projectRoot } from './load.js';

const specs = readdirSync(join(projectRoot(), 'openapi'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

interface Example {
  where: string;
  schema: OpenAPIV3.SchemaObject;
  value: unknown;
}

function examplesOf(doc: OpenAPIV3.Document): Example[] {
  const found: Example[] = [];
  const fromMedia = (where: string, content: Record<string, OpenAPIV3.MediaTypeObject> | undefined) => {
    for (const [type, media] of Object.entries(content ?? {})) {
      const schema = media.schema as OpenAPIV3.SchemaObject | undefined;
      if (!schema) continue;
      if (media.example !== undefined) found.push({ where: `${where} ${type} example`, schema, value: media.example });
      for (const [name, ex] of Object.entries(media.examples ?? {})) {
        found.push({ where: `${where} ${type} examples.${name}`, schema, value: (ex as OpenAPIV3.ExampleObject).value });
      }
    }
  };
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const) {
      const op = item?.[method];
      if (!op) continue;
      const where = `${method.toUpperCase()} ${path}`;
      for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])] as OpenAPIV3.ParameterObject[]) {
        if (p.example !== undefined && p.schema)
          found.push({ where: `${where} parameter ${p.name}`, schema: p.schema as OpenAPIV3.SchemaObject, value: p.example });
      }
      fromMedia(`${where} request`, (op.requestBody as OpenAPIV3.RequestBodyObject | undefined)?.content);
      for (const [status, res] of Object.entries(op.responses ?? {})) {
        fromMedia(`${where} ${status}`, (res as OpenAPIV3.ResponseObject).content);
      }
    }
  }
  return found;
}

for (const file of specs) {
  const path = join(projectRoot(), 'openapi', file);

  describe(`openapi/${file}`, () => {
    test('is a valid OpenAPI 3 document', async () => {
      await SwaggerParser.validate(path);
    });

    test('has a unique verbNoun operationId, a summary and a 4xx response on every operation', async () => {
      const doc = (await SwaggerParser.dereference(path)) as OpenAPIV3.Document;
      const seen = new Set<string>();
      for (const [p, item] of Object.entries(doc.paths ?? {})) {
        for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
          const op = item?.[method];
          if (!op) continue;
          const id = op.operationId ?? '';
          assert.match(id, /^[a-z]+[A-Z][A-Za-z0-9]*$/, `${method} ${p}: operationId '${id}' is not verbNoun camelCase`);
          assert.ok(!seen.has(id), `operationId ${id} is used twice`);
          seen.add(id);
          assert.ok(op.summary, `${id} has no summary`);
          assert.ok(
            Object.keys(op.responses ?? {}).some((s) => s.startsWith('4')),
            `${id} documents no 4xx response`,
          );
        }
      }
    });

    test('every example validates against its schema', async () => {
      const doc = (await SwaggerParser.dereference(path)) as OpenAPIV3.Document;
      // OpenAPI 3.0 schemas: `nullable` is understood by Ajv; `example` is annotation only.
      const ajv = new Ajv({ strict: false, allErrors: true });
      addFormats.default(ajv);
      const examples = examplesOf(doc);
      assert.ok(examples.length > 0, 'the spec has no examples');
      const failures: string[] = [];
      for (const ex of examples) {
        const validate = ajv.compile(ex.schema);
        if (!validate(ex.value)) {
          failures.push(`${ex.where}: ${ajv.errorsText(validate.errors)}`);
        }
      }
      assert.deepEqual(failures, []);
    });
  });
}
