/**
 * What `normalizeForAjv` makes of real documents' schemas before Ajv compiles them: each case
 * is one the APIs.guru corpus showed, and each keeps what the document admits.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeForAjv } from './normalize.js';

const normalized = (doc: Record<string, unknown>) => {
  const copy = structuredClone(doc);
  normalizeForAjv(copy);
  return copy;
};

const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
  [
    'a oneOf is read as anyOf: a value that fits several overlapping branches is taken',
    { schema: { oneOf: [{ type: 'object' }, { type: 'object' }] } },
    { schema: { anyOf: [{ type: 'object' }, { type: 'object' }] } },
  ],
  [
    "a $ref into a oneOf's branch follows it to the anyOf (fulfillment.com)",
    {
      a: { oneOf: [{ allOf: [{ type: 'object' }, { required: ['x'] }] }] },
      b: { $ref: '#/a/oneOf/0/allOf/1' },
    },
    {
      a: { anyOf: [{ allOf: [{ type: 'object' }, { required: ['x'] }] }] },
      b: { $ref: '#/a/anyOf/0/allOf/1' },
    },
  ],
  [
    "type: 'null' beside alternatives is one more alternative (Vercel's edge config item value)",
    { schema: { oneOf: [{ type: 'string' }, { type: 'number' }], type: 'null' } },
    { schema: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'null' }] } },
  ],
  [
    "a format's name written as the pattern is the format (pressassociation.io's `pattern: date-time`)",
    { schema: { type: 'string', pattern: 'date-time' } },
    { schema: { type: 'string', format: 'date-time' } },
  ],
  [
    'allOf [{nullable: true}, {$ref}] is that schema or null (PandaScore)',
    { schema: { allOf: [{ nullable: true }, { $ref: '#/components/schemas/Version' }], title: 'Version' } },
    { schema: { anyOf: [{ allOf: [{ $ref: '#/components/schemas/Version' }] }, { type: 'null' }], title: 'Version' } },
  ],
  [
    'a pattern written as a regex literal is read as the regex it names (PeerTube)',
    { schema: { type: 'string', pattern: '/^[a-z0-9._]+$/' } },
    { schema: { type: 'string', pattern: '^[a-z0-9._]+$' } },
  ],
  [
    'a regex literal with a flag JSON Schema cannot say (`i`) leaves no pattern (sinao.app)',
    { schema: { type: 'string', pattern: '/^[0-9]{4}[a-z]$/i' } },
    { schema: { type: 'string' } },
  ],
  [
    'a pattern that only has slashes in it is left as it is',
    { schema: { type: 'string', pattern: '^/api/v1/' } },
    { schema: { type: 'string', pattern: '^/api/v1/' } },
  ],
  [
    "in OpenAPI 3.0 what sits beside a $ref is dropped, as the spec says it is ignored (microcks's maps)",
    { openapi: '3.0.3', schema: { $ref: '#/components/schemas/StringArray', type: 'object', description: 'kept' } },
    { openapi: '3.0.3', schema: { $ref: '#/components/schemas/StringArray', description: 'kept' } },
  ],
  [
    'in OpenAPI 3.1 what sits beside a $ref is kept: JSON Schema 2020-12 applies it',
    { openapi: '3.1.0', schema: { $ref: '#/components/schemas/StringArray', type: 'array' } },
    { openapi: '3.1.0', schema: { $ref: '#/components/schemas/StringArray', type: 'array' } },
  ],
  [
    "OpenAPI 3.0's boolean exclusiveMinimum becomes JSON Schema's number",
    { schema: { type: 'integer', minimum: 0, exclusiveMinimum: true } },
    { schema: { type: 'integer', exclusiveMinimum: 0 } },
  ],
  [
    "an enum of the items' values on the array itself is the items' enum (DRACOON's grantTypes)",
    { schema: { type: 'array', enum: ['implicit', 'password'], items: { type: 'string' } } },
    { schema: { type: 'array', items: { type: 'string', enum: ['implicit', 'password'] } } },
  ],
  [
    "an enum that lists a value twice lists it once (ix-api's downgrade_allowed)",
    { schema: { type: 'string', enum: ['true', 'true'] } },
    { schema: { type: 'string', enum: ['true'] } },
  ],
  [
    'an enum of arrays on an array is left as it is: it admits those arrays',
    { schema: { type: 'array', enum: [['a'], ['b']] } },
    { schema: { type: 'array', enum: [['a'], ['b']] } },
  ],
];

for (const [name, doc, want] of cases) {
  test(name, () => assert.deepEqual(normalized(doc), want));
}
