/**
 * Errors in Pip.Services' wording and document.
 *
 * - `invalidData(results)` is the pip ValidationException: code
 *   `INVALID_DATA`, message `Validation failed: <result>, <result>`, the
 *   results in `details.results`.
 * - `validationResultsFromAjv` says openapi-backend's request validation
 *   failures as the results Pip.Services' validator gives for the same input
 *   (`session_id must not be null`, `session_id type must be string but found
 *   long`, `filter type must be Map`).
 * - `renderPipError` renders any ApiError as the real service would: what
 *   its HTTP layer (restify) refuses as restify's short `{code, message}`,
 *   everything else as an ErrorDescription with the status of its category,
 *   echoing `correlation_id`, and never a stack trace.
 */
import type { ErrorObject } from 'ajv';
import type express from 'express';
import { ApiError, Errors } from '../errors.js';
import type { HandlerResult } from '../http/types.js';

/** One finding of Pip.Services' validator (ValidationResult). */
export interface ValidationResult {
  /** Dot path of the value (`filter.active`), empty for the whole body. */
  path: string;
  type: 'Error';
  code: string;
  message: string;
  expected?: unknown;
  actual?: unknown;
}

/** Pip.Services' ValidationException as an ApiError. */
export function invalidData(results: readonly ValidationResult[]): ApiError {
  const message = results.length ? `Validation failed: ${results.map((r) => r.message).join(', ')}` : 'Validation failed';
  return ApiError.from(Errors.VALIDATION_FAILED, message, { details: { results: [...results] } });
}

/** Pip.Services' TypeConverter names (TypeCode.toString) of a JSON value's type. */
export function pipTypeOf(value: unknown): string {
  if (value === null || value === undefined) return 'unknown';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'long' : 'double';
  if (Array.isArray(value)) return 'array';
  return 'map';
}

/**
 * JSON Schema types named as Pip.Services names them. The spec writes
 * PagingParamsSchema's `long` (which takes any number, fractions included) as
 * `number`, the only `number` of the spec's requests.
 */
const PIP_TYPE_OF_SCHEMA_TYPE: Record<string, string> = {
  string: 'string',
  boolean: 'boolean',
  integer: 'long',
  number: 'long',
  object: 'map',
  array: 'array',
};

export function typeMismatch(path: string, expected: string, value: unknown): ValidationResult {
  const actual = pipTypeOf(value);
  return {
    path,
    type: 'Error',
    code: 'TYPE_MISMATCH',
    message: `${path || 'value'} type must be ${expected} but found ${actual}`,
    expected,
    actual,
  };
}

function valueAt(root: unknown, segments: readonly string[]): unknown {
  let v = root;
  for (const s of segments) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[s];
  }
  return v;
}

/** `/requestBody/filter/active` → the body's path segments (`['filter', 'active']`), or undefined for other parts of the request. */
function bodySegments(instancePath: string): string[] | undefined {
  const [, where, ...rest] = instancePath.split('/');
  if (where !== 'requestBody') return undefined;
  return rest.map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function resultOf(e: ErrorObject, body: unknown): ValidationResult {
  const segments = bodySegments(e.instancePath);
  if (segments === undefined) {
    // Query parameters and the like: keep Ajv's sentence, named by the parameter.
    const [, , ...rest] = e.instancePath.split('/');
    const path = rest.join('.');
    return { path, type: 'Error', code: 'INVALID_VALUE', message: `${path || 'value'} ${e.message ?? 'is invalid'}` };
  }
  const path = segments.join('.');
  const name = path || 'value';
  const value = valueAt(body, segments);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      const child = path ? `${path}.${missing}` : missing;
      return { path: child, type: 'Error', code: 'VALUE_IS_NULL', message: `${child} must not be null`, expected: 'NOT NULL' };
    }
    case 'type': {
      if (value === null) return { path, type: 'Error', code: 'VALUE_IS_NULL', message: `${name} must not be null`, expected: 'NOT NULL' };
      const expected = String(params.type)
        .split(',')
        .map((t) => PIP_TYPE_OF_SCHEMA_TYPE[t] ?? t)
        .join(' or ');
      if (expected === 'map') {
        return {
          path,
          type: 'Error',
          code: 'VALUE_ISNOT_MAP',
          message: `${name} type must be Map`,
          expected: 'map',
          actual: pipTypeOf(value),
        };
      }
      return typeMismatch(path, expected, value);
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      return {
        path: path ? `${path}.${key}` : key,
        type: 'Error',
        code: 'UNEXPECTED_PROPERTY',
        message: `${name} contains unexpected property ${key}`,
        actual: key,
      };
    }
    case 'enum': {
      const allowed = ((params.allowedValues as unknown[] | undefined) ?? []).map(String);
      return {
        path,
        type: 'Error',
        code: 'VALUE_NOT_IN_LIST',
        message: `${name} must be one of ${allowed.join(', ')} but found ${JSON.stringify(value)}`,
        expected: allowed,
        actual: value,
      };
    }
    default:
      return { path, type: 'Error', code: 'INVALID_VALUE', message: `${name} ${e.message ?? 'is invalid'}`, actual: value };
  }
}

/**
 * Pip.Services' results for openapi-backend's Ajv errors. A value that fails
 * a `oneOf` (a filter's `active`: a boolean or a boolean-like string) gives
 * one result: the branch whose type it has says what is wrong with it, or,
 * when it has none of the types, a type mismatch naming them all.
 */
export function validationResultsFromAjv(errors: readonly ErrorObject[], body: unknown, schema?: unknown): ValidationResult[] {
  const branchRoots = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => e.schemaPath);
  const inBranch = (e: ErrorObject) => branchRoots.find((root) => e.schemaPath.startsWith(`${root}/`));
  const results: ValidationResult[] = [];
  for (const e of errors) {
    if (inBranch(e)) continue;
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf') {
      const branches = errors.filter((b) => b.schemaPath.startsWith(`${e.schemaPath}/`) && b.instancePath === e.instancePath);
      const branchOf = (b: ErrorObject) => b.schemaPath.slice(e.schemaPath.length + 1).split('/')[0];
      const typeFailed = new Set(branches.filter((b) => b.keyword === 'type').map(branchOf));
      const segments0 = bodySegments(e.instancePath) ?? [];
      const value0 = valueAt(body, segments0);
      const mapExpected = branches.some(
        (b) =>
          b.keyword === 'type' &&
          String((b.params as { type?: unknown }).type)
            .split(',')
            .includes('object'),
      );
      if (mapExpected && value0 !== null && (typeof value0 !== 'object' || Array.isArray(value0))) {
        // A map, or a value Pip.Services' MapSchema lets through (falsy ones): anything else is not a map.
        const path = segments0.join('.');
        results.push({
          path,
          type: 'Error',
          code: 'VALUE_ISNOT_MAP',
          message: `${path || 'value'} type must be Map`,
          expected: 'map',
          actual: pipTypeOf(value0),
        });
        continue;
      }
      // The value has the type of a branch that still failed: that branch says what is wrong.
      const wrongValue = branches.find((b) => !typeFailed.has(branchOf(b)));
      if (wrongValue) {
        results.push(resultOf(wrongValue, body));
        continue;
      }
      const types = branches
        .filter((b) => b.keyword === 'type')
        .map((b) => PIP_TYPE_OF_SCHEMA_TYPE[String((b.params as { type?: unknown }).type)] ?? 'value');
      const segments = bodySegments(e.instancePath) ?? [];
      const value = valueAt(body, segments);
      const path = segments.join('.');
      if (value === null) {
        // A required value of any type but null (store_session_data's `data`).
        results.push({ path, type: 'Error', code: 'VALUE_IS_NULL', message: `${path || 'value'} must not be null`, expected: 'NOT NULL' });
        continue;
      }
      if (types.length) {
        results.push(typeMismatch(path, [...new Set(types)].join(' or '), value));
        continue;
      }
    }
    results.push(resultOf(e, body));
  }
  // allErrors can report one fact twice (a type error under two schemas); say it once.
  const seen = new Set<string>();
  const unique = results.filter((r) => {
    const key = `${r.path}\u0000${r.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return schema === undefined ? unique : inDeclarationOrder(unique, schema);
}

interface ObjectSchemaLike {
  properties?: Record<string, unknown>;
}

/** Where a dot path's arguments are declared: the index of each segment among its schema's properties. */
function declarationRank(path: string, schema: unknown): number[] {
  const rank: number[] = [];
  let current: unknown = schema;
  for (const segment of path.split('.')) {
    const properties = (current as ObjectSchemaLike | undefined)?.properties ?? {};
    const names = Object.keys(properties);
    const index = names.indexOf(segment);
    rank.push(index < 0 ? names.length : index);
    current = properties[segment];
  }
  return rank;
}

/**
 * Pip.Services' ObjectSchema checks the arguments in the order the command
 * declares them (each one's null check, type and members before the next),
 * where Ajv reports every missing argument first; the spec declares them in
 * the real service's order, so its order is the message's.
 */
function inDeclarationOrder(results: ValidationResult[], schema: unknown): ValidationResult[] {
  const ranked = results.map((r) => ({ r, rank: declarationRank(r.path, schema) }));
  ranked.sort((a, b) => {
    for (let i = 0; i < Math.max(a.rank.length, b.rank.length); i++) {
      const d = (a.rank[i] ?? -1) - (b.rank[i] ?? -1);
      if (d !== 0) return d;
    }
    return 0;
  });
  return ranked.map(({ r }) => r);
}

/** Pip.Services' ErrorCategory and its HTTP status. */
export type ErrorCategory = 'BadRequest' | 'NotFound' | 'Conflict' | 'Unsupported' | 'Internal' | 'Unknown';

interface PipErrorKind {
  category: ErrorCategory;
  code: string;
  status: number;
  /** Refused by the HTTP layer before a command runs: restify's short `{code, message}` body. */
  transport?: true;
}

/** The ApiError catalogue in Pip.Services' terms: restify's codes for transport errors, pip's for the rest. */
const KINDS: Readonly<Record<string, PipErrorKind>> = {
  [Errors.VALIDATION_FAILED.code]: { category: 'BadRequest', code: 'INVALID_DATA', status: 400 },
  [Errors.INVALID_JSON.code]: { category: 'BadRequest', code: 'InvalidContent', status: 400, transport: true },
  // The request guards' refusals (a path or body the HTTP layer cannot read): restify's short body.
  [Errors.BAD_REQUEST.code]: { category: 'BadRequest', code: 'BadRequest', status: 400, transport: true },
  [Errors.ROUTE_NOT_FOUND.code]: { category: 'NotFound', code: 'ResourceNotFound', status: 404, transport: true },
  [Errors.NOT_FOUND.code]: { category: 'NotFound', code: 'ResourceNotFound', status: 404, transport: true },
  [Errors.METHOD_NOT_ALLOWED.code]: { category: 'Unsupported', code: 'MethodNotAllowed', status: 405, transport: true },
  [Errors.NOT_ACCEPTABLE.code]: { category: 'Unsupported', code: 'NotAcceptable', status: 406, transport: true },
  [Errors.CONFLICT.code]: { category: 'Conflict', code: 'CONFLICT', status: 409 },
  [Errors.PAYLOAD_TOO_LARGE.code]: { category: 'BadRequest', code: 'PayloadTooLarge', status: 413, transport: true },
  [Errors.UNSUPPORTED_MEDIA_TYPE.code]: { category: 'Unsupported', code: 'UnsupportedMediaType', status: 415, transport: true },
  [Errors.NOT_IMPLEMENTED.code]: { category: 'Unsupported', code: 'NOT_IMPLEMENTED', status: 501 },
};

function kindOf(err: ApiError): PipErrorKind {
  return KINDS[err.code] ?? { category: 'Internal', code: 'INTERNAL', status: 500 };
}

/** What the caller is told: restify's sentences for transport errors, the ApiError's detail otherwise; nothing internal. */
function messageOf(err: ApiError, kind: PipErrorKind, req: express.Request): string {
  switch (kind.code) {
    case 'InvalidContent':
      return `Invalid JSON: ${err.cause instanceof Error ? err.cause.message : 'the body is not JSON'}`;
    case 'ResourceNotFound':
      return `${req.path} does not exist`;
    case 'MethodNotAllowed':
      return `${req.method.toUpperCase()} is not allowed`;
    case 'PayloadTooLarge': {
      // restify's words; body-parser's error carries the limit.
      const limit = (err.cause as { limit?: unknown } | undefined)?.limit;
      return typeof limit === 'number' ? `Request body size exceeds ${limit}` : err.detail;
    }
    default:
      return kind.status >= 500 ? 'Internal error' : err.detail;
  }
}

export function correlationIdOf(req: express.Request): string | undefined {
  const value = req.query.correlation_id;
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first.length > 0 ? first : undefined;
}

/** The ErrorDescription document for any ApiError. */
export function renderPipError(err: ApiError, req: express.Request): HandlerResult {
  const kind = kindOf(err);
  if (kind.transport) return { status: kind.status, body: { code: kind.code, message: messageOf(err, kind, req) } };
  const correlationId = correlationIdOf(req);
  return {
    status: kind.status,
    body: {
      category: kind.category,
      code: kind.code,
      status: kind.status,
      name: kind.code,
      message: messageOf(err, kind, req),
      ...(kind.status < 500 && err.details !== undefined ? { details: err.details } : {}),
      ...(correlationId !== undefined ? { correlation_id: correlationId } : {}),
    },
  };
}
