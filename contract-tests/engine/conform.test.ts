/**
 * Example bodies mended to meet their schema: a suite that sends a body its
 * own spec refuses, and expects it taken, would blame a target that validates.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OpenAPIV3 } from 'openapi-types';
import { breaks, conformingBody } from './conform.js';

// Zuora's billing preview run: its example sends a boolean as text and a date-time for a date.
const schema: OpenAPIV3.SchemaObject = {
  type: 'object',
  required: ['targetDate', 'name'],
  additionalProperties: false,
  properties: {
    targetDate: { type: 'string', format: 'date' },
    includingEvergreenSubscription: { type: 'boolean' },
    initialTerm: { type: 'integer' },
    name: { type: 'string' },
    lines: { type: 'array', items: { type: 'object', properties: { price: { type: 'number' } } } },
  },
};

describe('conformingBody', () => {
  test('leaves an example that meets its schema as it is', () => {
    const example = { targetDate: '2024-01-31', name: 'run', lines: [{ price: 1.5 }] };
    assert.deepEqual(conformingBody(schema, example), example);
  });

  test('reads text as the number or boolean its schema wants, and remakes what cannot be read', () => {
    const example = {
      targetDate: '2025-10-15T13:53:36.356Z',
      includingEvergreenSubscription: 'true',
      initialTerm: '12',
      name: 'run',
      lines: [{ price: '12.01' }],
      unknown: 1,
    };
    const mended = conformingBody(schema, example) as Record<string, unknown>;
    assert.equal(breaks(schema, mended), false, JSON.stringify(mended));
    assert.equal(mended.includingEvergreenSubscription, true);
    assert.equal(mended.initialTerm, 12);
    assert.deepEqual(mended.lines, [{ price: 12.01 }]);
    assert.match(String(mended.targetDate), /^\d{4}-\d{2}-\d{2}$/);
    assert.equal('unknown' in mended, false);
    // The example itself is not changed.
    assert.equal(example.initialTerm, '12');
  });

  test('adds a missing required member, and answers a body made from the schema for a value of the wrong kind', () => {
    assert.equal(breaks(schema, conformingBody(schema, { targetDate: '2024-01-31' })), false);
    assert.equal(breaks(schema, conformingBody(schema, 'not an object')), false);
  });

  test('gives a required member its schema does not declare a value, and keeps the mended body where nothing meets the schema', () => {
    const callout: OpenAPIV3.SchemaObject = {
      type: 'object',
      required: ['eventTypeName'],
      properties: { active: { type: 'boolean' }, id: { type: 'string', format: 'uuid' } },
    };
    const mended = conformingBody(callout, { active: 'true', id: 'not-a-uuid' }) as Record<string, unknown>;
    assert.equal(breaks(callout, mended), false, JSON.stringify(mended));
    assert.equal(mended.active, true);
  });
});
