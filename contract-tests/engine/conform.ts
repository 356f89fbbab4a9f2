/**
 * Request bodies that meet their schema. A documented example can break its
 * own schema (Zuora documents `"includingEvergreenSubscription": "true"` for a
 * boolean and a date-time for a `format: date`); a valid request built from it
 * would then be refused by any implementation that validates, so the suite
 * sends the example with the values the schema refuses made from the schema.
 * One Ajv for the suite, each schema compiled once.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { OpenAPIV3 } from 'openapi-types';
import { isObject, sampleFromSchema, schemaAt } from './spec.js';

type Schema = OpenAPIV3.SchemaObject;

/** Each schema's validator, or null for one Ajv cannot compile (not tried again: a failed compile of a deep recursion is slow). */
const validators = new WeakMap<object, ValidateFunction | null>();
let ajv: Ajv | undefined;

/** Whether an object graph reaches itself again (each node explored once: linear in its size). */
function isCyclic(root: unknown): boolean {
  const done = new WeakSet<object>();
  const onPath = new WeakSet<object>();
  const visit = (node: unknown): boolean => {
    if (node === null || typeof node !== 'object' || done.has(node)) return false;
    if (onPath.has(node)) return true;
    onPath.add(node);
    for (const value of Object.values(node)) if (visit(value)) return true;
    onPath.delete(node);
    done.add(node);
    return false;
  };
  return visit(root);
}

/** The validator of a schema; null where it cannot be compiled. */
function validatorOf(schema: Schema): ValidateFunction | null {
  if (!ajv) {
    ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, logger: false });
    addFormats.default(ajv);
  }
  let validate = validators.get(schema);
  if (validate === undefined) {
    try {
      // A cyclic schema (a recursive `$ref` dereferenced) overflows Ajv's traversal, after building
      // paths as long as the stack is deep (a minute on DynamoDB's AttributeValue): not tried.
      validate = isCyclic(schema) ? null : ajv.compile(schema as object);
    } catch {
      // A schema Ajv cannot compile (a recursion too deep for it): no value can be shown to break it.
      validate = null;
    }
    validators.set(schema, validate);
  }
  return validate;
}

/** The errors of a value against a schema; undefined where the schema cannot be compiled. */
export function schemaErrors(schema: Schema, value: unknown): ErrorObject[] | undefined {
  const validate = validatorOf(schema);
  if (!validate) return undefined;
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

/**
 * Whether a value breaks a schema (mutations that do not are dropped); given the value it was made
 * from, whether it breaks it somewhere that one does not. An example the schema already refuses
 * (Velo's `dateOfBirth` in a format it does not meet) would otherwise make every change of it count
 * as breaking, even one the schema takes (a string where `properties` name no `type`).
 */
export function breaks(schema: Schema, value: unknown, from?: unknown): boolean {
  const errors = schemaErrors(schema, value);
  if (errors === undefined || errors.length === 0) return false;
  if (from === undefined) return true;
  const where = (e: ErrorObject) => `${e.instancePath} ${e.schemaPath}`;
  const before = new Set((schemaErrors(schema, from) ?? []).map(where));
  return errors.some((e) => !before.has(where(e)));
}

/** The path of an Ajv instance path, array indexes as numbers. */
const pathOf = (instancePath: string): (string | number)[] =>
  instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));

/** A text the schema's type reads as a number or a boolean (`"12"`, `"true"`), else a value made from the schema. */
function fixedValue(schema: Schema | undefined, value: unknown): unknown {
  if (typeof value === 'string' && schema) {
    if ((schema.type === 'integer' || schema.type === 'number') && value.trim() !== '' && Number.isFinite(Number(value))) {
      const n = Number(value);
      if (schema.type === 'number' || Number.isInteger(n)) return n;
    }
    if (schema.type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  }
  return sampleFromSchema(schema);
}

/**
 * `value` where it meets `schema`; where it does not, the refused members made from the schema
 * (a few rounds, as a fix can reveal the next error), else the value made from the schema, else
 * the mended value where it breaks the schema less than `value` does.
 */
export function conformingBody(schema: Schema | undefined, value: unknown): unknown {
  if (!schema) return value;
  let current = structuredClone(value);
  for (let round = 0; round < 5; round += 1) {
    const errors = schemaErrors(schema, current);
    if (!errors || errors.length === 0) return current;
    let changed = false;
    for (const e of errors) {
      const path = pathOf(e.instancePath);
      const setAt = (at: (string | number)[], v: unknown) => {
        if (at.length === 0) {
          current = v;
          changed = true;
          return;
        }
        let node: unknown = current;
        for (const key of at.slice(0, -1)) node = (node as Record<string | number, unknown> | undefined)?.[key];
        const last = at[at.length - 1] as string | number;
        if (isObject(node) || Array.isArray(node)) {
          (node as Record<string | number, unknown>)[last] = v;
          changed = true;
        }
      };
      const target = path.reduce<unknown>((n, k) => (n as Record<string | number, unknown> | undefined)?.[k], current);
      switch (e.keyword) {
        case 'required': {
          const missing = String((e.params as { missingProperty?: unknown }).missingProperty);
          // A required member its schema does not declare (Zuora's `callout.eventTypeName`) takes any value.
          setAt([...path, missing], sampleFromSchema(schemaAt(schema, [...path, missing])) ?? 'x');
          break;
        }
        case 'additionalProperties': {
          const extra = String((e.params as { additionalProperty?: unknown }).additionalProperty);
          if (isObject(target)) {
            delete target[extra];
            changed = true;
          }
          break;
        }
        case 'type':
        case 'format':
        case 'pattern':
        case 'enum':
        case 'const':
        case 'minLength':
        case 'maxLength':
        case 'minimum':
        case 'maximum':
        case 'exclusiveMinimum':
        case 'exclusiveMaximum':
        case 'multipleOf':
        case 'minItems':
        case 'maxItems':
          setAt(path, fixedValue(schemaAt(schema, path), target));
          break;
        default:
          break;
      }
    }
    if (!changed) break;
  }
  const left = schemaErrors(schema, current)?.length ?? 0;
  if (left === 0) return current;
  const made = sampleFromSchema(schema);
  if (schemaErrors(schema, made)?.length === 0) return made;
  // Nothing meets the schema: the example with the fewest of its errors left.
  return left < (schemaErrors(schema, value)?.length ?? 0) ? current : value;
}
