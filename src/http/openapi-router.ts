/**
 * The glue between Express and openapi-backend shared by both twins.
 *
 * Flow: authenticate → openapi-backend routes (404/405) → validates path,
 * query, headers and body (validationFail) → our operation wrapper checks the
 * Content-Type and that a required body is present → the typed handler returns
 * `{status, body, headers}` → (optionally) the response is validated against
 * the spec → `writeResult` is the one place that writes a response.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorObject } from 'ajv';
import type express from 'express';
import type { OpenAPIBackend } from 'openapi-backend';
import type { OpenAPIV3 } from 'openapi-types';
import { ApiError, Errors, type ErrorTemplate, toApiError } from '../errors.js';
import { isJsonMedia } from '../spec/conformance.js';
import { AnswerCache, answerKey, type Cached, rawBodyOf } from './answers.js';
import { type ConditionalState, evaluatePreconditions, validatorHeaders } from './conditional.js';
import { COERCE_TYPES, indexedBackend, installPrecompiled, type PrecompiledValidators } from './precompiled.js';
import type { Operation } from './route-table.js';
import type { HandlerResult } from './types.js';

export interface RawRequest<Auth> {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
  rawQuery: Record<string, string | string[]>;
  /** The raw query string without `?`, for handlers that need the keys' order (module command arguments). */
  queryString: string;
  auth: Auth;
}

export type RawHandler<Ctx, Auth> = (req: RawRequest<Auth>, ctx: Ctx) => HandlerResult | Promise<HandlerResult>;

export interface OpenApiRouterOptions<Ctx, Auth> {
  definition: OpenAPIV3.Document;
  /** One handler per operationId; openapi-backend runs strict, so a mismatch throws at start. */
  handlers: Record<string, RawHandler<Ctx, Auth>>;
  /** Per-request context handed to handlers (the model, link builders…). */
  context: (req: express.Request) => Ctx;
  /**
   * Runs before routing (MaxScale checks credentials before anything else); throws an ApiError to
   * refuse. It reads only the request line and headers: the front lane calls it before Express.
   */
  authenticate: (req: IncomingMessage, operationId: string | undefined) => Auth;
  /** Renders an ApiError as the API's own error document. */
  renderError: (err: ApiError, req: express.Request) => HandlerResult;
  /**
   * Turns request validation failures (Ajv errors; the body as received) into
   * the ApiError to answer, for an API that words them its own way (the
   * operation, dereferenced, tells how its request body is declared). Defaults
   * to `describeValidationError` sentences under VALIDATION_FAILED.
   */
  validationError?: (errors: ErrorObject[], body: unknown, operation: Operation | undefined) => ApiError;
  /**
   * `ignore`: a query string that breaks the spec (an unknown parameter, a
   * repeated one) never refuses a request, for an API whose real
   * implementation does not validate its query string (the pip service).
   * Default `refuse`.
   */
  queryErrors?: 'refuse' | 'ignore';
  /** Preconditions (304, 412) on every method, and ETag / Last-Modified on GETs (MaxScale); off when not given. */
  conditional?: ConditionalState;
  /**
   * Reads whose 200 is a function of the state and the request alone (no clock, no randomness):
   * their answer, validated and serialised once, is kept under the request's method, URL and body
   * (answers.ts) and sent again while `generation` is unchanged. Nothing is kept when not given.
   */
  answers?: {
    /** Moves on every change of the state (any write, a new state). */
    generation: () => number;
    cacheable: (operation: Operation) => boolean;
  };
  /** Serializes a JSON body (MaxScale's `pretty`). */
  serialize: (body: unknown, req: express.Request) => string;
  /**
   * Media types accepted for request bodies (another is a 415), or `any` for
   * an API that reads any other body as no arguments (the pip service).
   */
  bodyMediaTypes: readonly string[] | 'any';
  /**
   * The validators `make generate` compiled for this definition (generated/<api>.validators.cjs,
   * see precompiled.ts); without them each operation's are compiled the first time it is asked for.
   */
  validators?: PrecompiledValidators | undefined;
  /** Validate each response against the spec; a mismatch becomes a 500 that names it. */
  validateResponses: boolean;
  /** Called with errors that became 500s, and with responses that broke the spec. */
  onInternalError: (err: unknown, req: express.Request) => void;
  /** Runs after validation, just before the handler; throws an ApiError to refuse (MaxScale: `__proto__` members). */
  checkBody?: (body: unknown) => void;
}

/** The statuses after which a write counts as a modification (MaxScale: 200, 201, 204). */
const WRITE_SUCCESS = new Set([200, 201, 204]);

/** Turns one Ajv error from openapi-backend into a sentence and a JSON API source. */
export function describeValidationError(e: ErrorObject): { detail: string; pointer?: string; parameter?: string } {
  const [, where = '', ...rest] = e.instancePath.split('/');
  const path = rest.length ? `/${rest.join('/')}` : '';
  let message = e.message ?? 'is invalid';
  if (e.keyword === 'additionalProperties') {
    message = `has an unknown field '${String((e.params as { additionalProperty?: unknown }).additionalProperty)}'`;
  } else if (e.keyword === 'enum') {
    message = `must be one of: ${((e.params as { allowedValues?: unknown[] }).allowedValues ?? []).map(String).join(', ')}`;
  }
  if (where === 'requestBody') return { detail: `Request body ${path || '/'} ${message}`, pointer: path || '/' };
  if (where === 'query' || where === 'path' || where === 'header') {
    const [param = ''] = rest;
    if (e.keyword === 'required') {
      const missing = String((e.params as { missingProperty?: unknown }).missingProperty);
      return { detail: `Missing required ${where} parameter '${missing}'`, parameter: missing };
    }
    return { detail: `The ${where} parameter '${param}' ${message}`, parameter: param };
  }
  if (e.keyword === 'parse') return { detail: `Invalid JSON in request body: ${message}`, pointer: '/' };
  if (e.keyword === 'required' && where === '' && (e.params as { missingProperty?: unknown }).missingProperty === 'requestBody') {
    return { detail: 'A JSON request body is required', pointer: '/' };
  }
  if (e.keyword === 'required' && where === '') {
    return { detail: `Missing required ${String((e.params as { missingProperty?: unknown }).missingProperty)}` };
  }
  return { detail: `${e.instancePath || 'Request'} ${message}` };
}

/** Ajv's failures as one ApiError of the given template (VALIDATION_FAILED unless an API answers them otherwise). */
export function validationError(errors: ErrorObject[] | null | undefined, template: ErrorTemplate = Errors.VALIDATION_FAILED): ApiError {
  const described = (errors ?? []).map(describeValidationError);
  const first = described[0] ?? { detail: 'The request does not match the API description' };
  return ApiError.from(template, described.map((d) => d.detail).join('; ') || first.detail, {
    source: first.pointer !== undefined ? { pointer: first.pointer } : first.parameter !== undefined ? { parameter: first.parameter } : {},
    details: { errors: described.map((d) => d.detail) },
  });
}

/** Whether a request carries a body (a non-zero Content-Length, or chunked). */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

/**
 * The key a request's answer is kept under (answers.ts), for the router and the front lanes alike;
 * a body not read as JSON (another media type) could not be told from another: no key.
 */
export function requestAnswerKey(req: IncomingMessage, method: string, url: string): string | undefined {
  if (!hasBody(req)) return answerKey(method, url);
  const raw = rawBodyOf(req);
  return raw === undefined ? undefined : answerKey(method, url, raw);
}

function queryStringOf(req: express.Request): string {
  const at = req.originalUrl.indexOf('?');
  return at < 0 ? '' : req.originalUrl.slice(at + 1);
}

function rawQueryOf(queryString: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const search = new URLSearchParams(queryString);
  for (const key of new Set(search.keys())) {
    const all = search.getAll(key);
    out[key] = all.length === 1 ? (all[0] ?? '') : all;
  }
  return out;
}

export function writeResult(res: ServerResponse, result: HandlerResult, serialized: string | Buffer | undefined): void {
  if (res.headersSent) return;
  res.statusCode = result.status;
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
  // No content in a 204, a 205 or a 304 (RFC 9110 §15.3.5, §15.3.6, §15.4.5), whatever a spec documents.
  if (serialized === undefined || result.status === 204 || result.status === 205 || result.status === 304) {
    res.end();
    return;
  }
  // RFC 8259 §11: application/json has no charset parameter (JSON is UTF-8); MaxScale sends it bare.
  // A result may name its own JSON media type (the admin API's application/problem+json).
  if (!result.headers?.['Content-Type']) res.setHeader('Content-Type', 'application/json');
  // res.end, not res.send: Express's send answers 304 by itself to `If-None-Match: *` (its "fresh"
  // check), which is ours to decide (src/http/conditional.ts) and undocumented where we do not.
  const payload = typeof serialized === 'string' ? Buffer.from(serialized, 'utf8') : serialized;
  res.setHeader('Content-Length', payload.length);
  res.end(payload);
}

export interface OpenApiRouter {
  /** Express middleware that serves every operation of the spec. */
  handle: express.RequestHandler;
  /** Express error middleware: body-parser failures and anything thrown, in the API's error format. */
  handleError: express.ErrorRequestHandler;
  /** The operationId a method and path route to, if any. */
  operationIdOf: (method: string, path: string) => string | undefined;
  /**
   * For the front lane (answers.ts): the answer kept under `key` for the current generation, if
   * there is one and the request's credentials are accepted (send it with `writeResult`).
   */
  keptAnswer: (req: IncomingMessage, key: string) => Cached | undefined;
  backend: OpenAPIBackend;
}

export async function createOpenApiRouter<Ctx, Auth>(opts: OpenApiRouterOptions<Ctx, Auth>): Promise<OpenApiRouter> {
  const call = async (
    handler: RawHandler<Ctx, Auth>,
    req: express.Request,
    coerced: { params?: Record<string, unknown>; query?: Record<string, unknown> } | undefined,
    auth: Auth,
    queryString: string,
  ): Promise<HandlerResult> => {
    opts.checkBody?.(req.body);
    return handler(
      {
        params: coerced?.params ?? {},
        query: coerced?.query ?? {},
        body: req.body,
        rawQuery: rawQueryOf(queryString),
        queryString,
        auth,
      },
      opts.context(req),
    );
  };

  const notCalled = (): never => {
    // The twin routes and validates each request itself (below), once; openapi-backend keeps the
    // handler registry, so that strict mode still refuses a missing or unknown operationId at start.
    throw new Error('handlers are dispatched by createOpenApiRouter, not by openapi-backend');
  };

  const isQueryError = (e: ErrorObject) => e.instancePath === '/query' || e.instancePath.startsWith('/query/');

  // Each operation's validators are compiled the first time it is asked for, unless `make generate`
  // compiled them. Handlers are registered after the router swap: openapi-backend looks up each
  // operationId as it registers it, which its own router does with a fresh list every time.
  const { backend, router } = await indexedBackend(opts.definition, {
    strict: true,
    coerceTypes: COERCE_TYPES,
    ignoreTrailingSlashes: true,
    apiRoot: '/',
  });
  if (opts.validators) installPrecompiled(backend.validator, opts.validators);
  backend.register({
    ...Object.fromEntries(Object.keys(opts.handlers).map((id) => [id, notCalled])),
    validationFail: notCalled,
    notFound: notCalled,
    methodNotAllowed: notCalled,
    notImplemented: notCalled,
  });
  // Credentials are checked by `authenticate` before routing (MaxScale answers 401 even for
  // unknown paths); strict mode still wants a handler for every declared scheme.
  for (const scheme of Object.keys(opts.definition.components?.securitySchemes ?? {})) {
    backend.registerSecurityHandler(scheme, () => true);
  }
  const handlers = new Map(Object.entries(opts.handlers));
  const cache = new AnswerCache();
  const answers = opts.answers;

  const operationIdOf = (method: string, path: string): string | undefined => router.route(method, path).operation?.operationId;

  /** Validates what we are about to send against the operation's documented responses. */
  const checkResponse = (operation: Operation | undefined, result: HandlerResult): ApiError | undefined => {
    const operationId = operation?.operationId;
    if (!opts.validateResponses || operation === undefined || operationId === undefined) return undefined;
    // The exact status, else its range (`4XX`), else `default` (OpenAPI 3, Responses Object).
    const responses = operation.responses ?? {};
    const documented = (responses[String(result.status)] ?? responses[`${String(result.status)[0]}XX`] ?? responses.default) as
      | OpenAPIV3.ResponseObject
      | undefined;
    if (!documented) {
      // Auth and media-type errors are answered before the operation is known to matter;
      // only a handler's own undocumented status is a bug in the twin.
      if (result.status >= 400) return undefined;
      return ApiError.from(Errors.RESPONSE_INVALID, `${operationId} answered with undocumented status ${result.status}`);
    }
    if (result.body === undefined) {
      if (documented.content && Object.keys(documented.content).length > 0)
        return ApiError.from(Errors.RESPONSE_INVALID, `${operationId} ${result.status} must have a body`);
      return undefined;
    }
    // A body sent as another media type (text, an image, JavaScript) has no JSON to judge.
    const contentType = result.headers?.['Content-Type'];
    if (typeof contentType === 'string' && !isJsonMedia(contentType)) return undefined;
    const verdict = backend.validator.validateResponse(result.body, operation, result.status);
    if (verdict.errors?.length) {
      const why = verdict.errors.map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
      return ApiError.from(Errors.RESPONSE_INVALID, `${operationId} ${result.status} response does not match the spec: ${why}`);
    }
    return undefined;
  };

  const send = (
    req: express.Request,
    res: express.Response,
    operation: Operation | undefined,
    result: HandlerResult,
  ): Buffer | undefined => {
    const problem = checkResponse(operation, result);
    if (problem) {
      opts.onInternalError(problem, req);
      const rendered = opts.renderError(problem, req);
      writeResult(res, rendered, opts.serialize(rendered.body, req));
      return undefined;
    }
    const bytes = result.body === undefined ? undefined : Buffer.from(opts.serialize(result.body, req), 'utf8');
    writeResult(res, result, bytes);
    return bytes;
  };

  const fail = (req: express.Request, res: express.Response, operation: Operation | undefined, err: unknown): void => {
    const apiError = toApiError(err);
    if (apiError.status >= 500) opts.onInternalError(err, req);
    const rendered = opts.renderError(apiError, req);
    send(req, res, operation, { ...rendered, headers: { ...rendered.headers, ...apiError.headers } });
  };

  /** openapi-backend never looks at Content-Type (its #229); a body we cannot read as JSON is a 415. */
  const checkMediaType = (req: express.Request, operation: Operation | undefined): void => {
    if (operation === undefined || opts.bodyMediaTypes === 'any' || !hasBody(req)) return;
    if (!operation.requestBody || req.is([...opts.bodyMediaTypes])) return;
    throw ApiError.from(
      Errors.UNSUPPORTED_MEDIA_TYPE,
      `Unsupported Content-Type '${req.headers['content-type'] ?? '(none)'}': send ${opts.bodyMediaTypes.join(' or ')}`,
      { source: { parameter: 'Content-Type' } },
    );
  };

  /** No operation: 405 with Allow when another method serves the path, else 404. */
  const unrouted = (req: express.Request, pathKnown: boolean): ApiError => {
    if (!pathKnown) return ApiError.from(Errors.ROUTE_NOT_FOUND, `No resource at ${req.path}`);
    const allow = router.allowedMethods(req.path);
    return ApiError.from(
      Errors.METHOD_NOT_ALLOWED,
      `${req.method.toUpperCase()} is not allowed on ${req.path}; allowed: ${allow.join(', ')}`,
      {
        headers: { Allow: allow.join(', ') },
      },
    );
  };

  /**
   * One request, routed once: authenticate → 415 → preconditions → 404/405 → validate path, query,
   * headers and body (openapi-backend's validator, with the operation already found) → handler.
   */
  const handle: express.RequestHandler = async (req, res) => {
    const { operation, pathKnown } = router.route(req.method, req.path);
    const operationId = operation?.operationId;
    try {
      const auth = opts.authenticate(req, operationId);
      checkMediaType(req, operation);
      const conditional = opts.conditional;
      if (conditional && operationId !== undefined) {
        // A failed precondition is answered before the request runs, so it changes nothing.
        const validators = conditional.validators(req.path);
        if (evaluatePreconditions(req, validators) === 'not-modified') {
          send(req, res, operation, { status: 304, headers: validatorHeaders(validators) });
          return;
        }
      }
      if (operation === undefined || operationId === undefined) throw unrouted(req, pathKnown);
      const read = req.method === 'GET' || req.method === 'HEAD';
      // Only a request answered 200 is kept, so it passed validation then; the same method, URL
      // and body (the specs declare no header parameters on these reads) would pass again.
      const generation = answers?.generation();
      const cacheKey =
        generation !== undefined && answers?.cacheable(operation) ? requestAnswerKey(req, req.method, req.originalUrl) : undefined;
      const cached = cacheKey === undefined || generation === undefined ? undefined : cache.get(generation, cacheKey);
      if (cached) {
        // Validated and serialised when it was first answered, for this same state and request;
        // its validators too, as only a write (a new generation) changes them.
        writeResult(res, cached.result, cached.bytes);
        return;
      }
      const queryString = queryStringOf(req);
      const request = {
        method: req.method,
        path: req.path,
        query: queryString,
        headers: req.headers as Record<string, string | string[]>,
        // A JSON body that is a string (`"x"`, for `type: string`) is given as JSON text: openapi-backend
        // parses a string body, and would read the parsed string as malformed JSON.
        body: typeof req.body === 'string' && isJsonMedia(String(req.headers['content-type'] ?? '')) ? JSON.stringify(req.body) : req.body,
      };
      const validation = backend.validator.validateRequest(request, operation);
      let coerced = validation.coerced as { params?: Record<string, unknown>; query?: Record<string, unknown> } | undefined;
      if (validation.errors) {
        const errors = validation.errors.filter((e) => opts.queryErrors !== 'ignore' || !isQueryError(e));
        if (errors.length > 0) {
          throw opts.validationError ? opts.validationError(errors, req.body, operation) : validationError(errors);
        }
        // Only query errors, and the API ignores them: the parameters as sent, uncoerced.
        const parsed = router.parseRequest(request, operation);
        coerced = { params: parsed.params as Record<string, unknown>, query: parsed.query as Record<string, unknown> };
      }
      const handler = handlers.get(operationId);
      if (!handler) throw ApiError.from(Errors.NOT_IMPLEMENTED, `${operationId} is not implemented`);
      let result = await call(handler, req, coerced, auth, queryString);
      if (conditional) {
        if (!read && WRITE_SUCCESS.has(result.status)) conditional.modified(req.path);
        if (read && result.status === 200) {
          result = { ...result, headers: { ...result.headers, ...validatorHeaders(conditional.validators(req.path)) } };
        }
      }
      const bytes = send(req, res, operation, result);
      if (cacheKey !== undefined && generation !== undefined && result.status === 200 && bytes) {
        cache.set(generation, cacheKey, { result, bytes, operationId });
      }
    } catch (err) {
      fail(req, res, operation, err);
    }
  };

  const handleError: express.ErrorRequestHandler = (err, req, res, _next) => {
    fail(req, res, router.route(req.method, req.path).operation, err);
  };

  const keptAnswer = (req: IncomingMessage, key: string): Cached | undefined => {
    if (answers === undefined) return undefined;
    const cached = cache.get(answers.generation(), key);
    if (cached === undefined) return undefined;
    try {
      opts.authenticate(req, cached.operationId);
    } catch {
      // Refused credentials are answered by the Express app, in the API's own error document.
      return undefined;
    }
    return cached;
  };

  return { handle, handleError, operationIdOf, keptAnswer, backend };
}
