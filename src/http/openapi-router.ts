/**
 * The glue between Express and openapi-backend shared by both twins.
 *
 * Flow: authenticate → openapi-backend routes (404/405) → validates path,
 * query, headers and body (validationFail) → our operation wrapper checks the
 * Content-Type and that a required body is present → the typed handler returns
 * `{status, body, headers}` → (optionally) the response is validated against
 * the spec → `writeResult` is the one place that writes a response.
 */
import type { ErrorObject } from 'ajv';
import type express from 'express';
import { type Context, OpenAPIBackend, type Operation } from 'openapi-backend';
import type { OpenAPIV3 } from 'openapi-types';
import { ApiError, Errors, type ErrorTemplate, toApiError } from '../errors.js';
import { type ConditionalState, evaluatePreconditions, validatorHeaders } from './conditional.js';
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
  /** Runs before routing (MaxScale checks credentials before anything else); throws an ApiError to refuse. */
  authenticate: (req: express.Request, operationId: string | undefined) => Auth;
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
  /** Serializes a JSON body (MaxScale's `pretty`). */
  serialize: (body: unknown, req: express.Request) => string;
  /**
   * Media types accepted for request bodies (another is a 415), or `any` for
   * an API that reads any other body as no arguments (the pip service).
   */
  bodyMediaTypes: readonly string[] | 'any';
  /** Validate each response against the spec; a mismatch becomes a 500 that names it. */
  validateResponses: boolean;
  /** Called with errors that became 500s, and with responses that broke the spec. */
  onInternalError: (err: unknown, req: express.Request) => void;
}

interface RouterState<Auth> {
  req: express.Request;
  auth: Auth;
  /** The raw query string, in order (read once per request). */
  queryString: string;
}

/** The statuses after which a write counts as a modification (MaxScale: 200, 201, 204). */
const WRITE_SUCCESS = new Set([200, 201, 204]);

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

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

function hasBody(req: express.Request): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
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

export function writeResult(res: express.Response, result: HandlerResult, serialized: string | undefined): void {
  if (res.headersSent) return;
  res.status(result.status);
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
  if (serialized === undefined || result.status === 204 || result.status === 304) {
    res.end();
    return;
  }
  // RFC 8259 §11: application/json has no charset parameter (JSON is UTF-8); MaxScale sends it bare.
  res.setHeader('Content-Type', 'application/json');
  // Not res.send: Express would turn a 200 into a 304 by itself when If-None-Match matches (its
  // `req.fresh`), whereas the twin decides preconditions in the order its API does.
  const body = Buffer.from(serialized, 'utf8');
  res.setHeader('Content-Length', body.length);
  res.end(body);
}

export interface OpenApiRouter {
  /** Express middleware that serves every operation of the spec. */
  handle: express.RequestHandler;
  /** Express error middleware: body-parser failures and anything thrown, in the API's error format. */
  handleError: express.ErrorRequestHandler;
  /** The operationId a method and path route to, if any. */
  operationIdOf: (method: string, path: string) => string | undefined;
  backend: OpenAPIBackend;
}

export async function createOpenApiRouter<Ctx, Auth>(opts: OpenApiRouterOptions<Ctx, Auth>): Promise<OpenApiRouter> {
  const wrap =
    (handler: RawHandler<Ctx, Auth>) =>
    async (c: Context, state: RouterState<Auth>): Promise<HandlerResult> => {
      const { req } = state;
      const coerced = c.validation?.coerced as { query?: Record<string, unknown>; params?: Record<string, unknown> } | undefined;
      return handler(
        {
          params: coerced?.params ?? c.request.params,
          query: coerced?.query ?? (c.request.query as Record<string, unknown>),
          body: req.body,
          rawQuery: rawQueryOf(state.queryString),
          queryString: state.queryString,
          auth: state.auth,
        },
        opts.context(req),
      );
    };

  const allowedMethods = (path: string): string[] =>
    METHODS.filter((m) => backend.router.matchOperation({ method: m, path, headers: {} })).map((m) => m.toUpperCase());

  const wrapped = Object.fromEntries(Object.entries(opts.handlers).map(([id, h]) => [id, wrap(h)]));
  const isQueryError = (e: ErrorObject) => e.instancePath === '/query' || e.instancePath.startsWith('/query/');

  const backend: OpenAPIBackend = new OpenAPIBackend({
    definition: structuredClone(opts.definition) as OpenAPIBackend['definition'],
    strict: true,
    validate: true,
    quick: false,
    coerceTypes: true,
    ignoreTrailingSlashes: true,
    apiRoot: '/',
    ajvOpts: { strict: false, allErrors: true },
    handlers: {
      ...wrapped,
      validationFail: (c: Context, state: RouterState<Auth>) => {
        const errors = (c.validation.errors ?? []).filter((e) => opts.queryErrors !== 'ignore' || !isQueryError(e));
        const handler = c.operation?.operationId === undefined ? undefined : wrapped[c.operation.operationId];
        if (errors.length === 0 && handler) return handler(c, state);
        throw opts.validationError ? opts.validationError(errors, c.request.body, c.operation) : validationError(errors);
      },
      notFound: (c: Context) => {
        throw ApiError.from(Errors.ROUTE_NOT_FOUND, `No resource at ${c.request.path}`);
      },
      methodNotAllowed: (c: Context) => {
        const allow = allowedMethods(c.request.path);
        throw ApiError.from(
          Errors.METHOD_NOT_ALLOWED,
          `${c.request.method.toUpperCase()} is not allowed on ${c.request.path}; allowed: ${allow.join(', ')}`,
          {
            headers: { Allow: allow.join(', ') },
          },
        );
      },
      notImplemented: (c: Context) => {
        throw ApiError.from(Errors.NOT_IMPLEMENTED, `${c.operation.operationId ?? 'This operation'} is not implemented`);
      },
    },
  });
  // Credentials are checked by `authenticate` before routing (MaxScale answers 401 even for
  // unknown paths); strict mode still wants a handler for every declared scheme.
  for (const scheme of Object.keys(opts.definition.components?.securitySchemes ?? {})) {
    backend.registerSecurityHandler(scheme, () => true);
  }
  await backend.init();

  const operationIdOf = (method: string, path: string): string | undefined =>
    backend.router.matchOperation({ method: method.toLowerCase(), path, headers: {} })?.operationId;

  /** Validates what we are about to send against the operation's documented responses. */
  const checkResponse = (operationId: string | undefined, result: HandlerResult): ApiError | undefined => {
    if (!opts.validateResponses || operationId === undefined) return undefined;
    const operation = backend.getOperation(operationId) as (Operation & OpenAPIV3.OperationObject) | undefined;
    if (!operation) return undefined;
    const documented = operation.responses?.[String(result.status)] as OpenAPIV3.ResponseObject | undefined;
    if (!documented) {
      // Auth and media-type errors are answered before the operation is known to matter;
      // only a handler's own undocumented status is a bug in the twin.
      if (result.status >= 400) return undefined;
      return ApiError.from(Errors.RESPONSE_INVALID, `${operationId} answered with undocumented status ${result.status}`);
    }
    if (result.body === undefined) {
      if (documented.content) return ApiError.from(Errors.RESPONSE_INVALID, `${operationId} ${result.status} must have a body`);
      return undefined;
    }
    const verdict = backend.validateResponse(result.body, operation, result.status);
    if (verdict.errors?.length) {
      const why = verdict.errors.map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
      return ApiError.from(Errors.RESPONSE_INVALID, `${operationId} ${result.status} response does not match the spec: ${why}`);
    }
    return undefined;
  };

  const send = (req: express.Request, res: express.Response, operationId: string | undefined, result: HandlerResult): void => {
    const problem = checkResponse(operationId, result);
    if (problem) {
      opts.onInternalError(problem, req);
      const rendered = opts.renderError(problem, req);
      writeResult(res, rendered, opts.serialize(rendered.body, req));
      return;
    }
    writeResult(res, result, result.body === undefined ? undefined : opts.serialize(result.body, req));
  };

  const fail = (req: express.Request, res: express.Response, operationId: string | undefined, err: unknown): void => {
    const apiError = toApiError(err);
    if (apiError.status >= 500) opts.onInternalError(err, req);
    const rendered = opts.renderError(apiError, req);
    send(req, res, operationId, { ...rendered, headers: { ...rendered.headers, ...apiError.headers } });
  };

  /** openapi-backend never looks at Content-Type (its #229); a body we cannot read as JSON is a 415. */
  const checkMediaType = (req: express.Request, operationId: string | undefined): void => {
    if (operationId === undefined || opts.bodyMediaTypes === 'any' || !hasBody(req)) return;
    const operation = backend.getOperation(operationId) as (Operation & OpenAPIV3.OperationObject) | undefined;
    if (!operation?.requestBody || req.is([...opts.bodyMediaTypes])) return;
    throw ApiError.from(
      Errors.UNSUPPORTED_MEDIA_TYPE,
      `Unsupported Content-Type '${req.headers['content-type'] ?? '(none)'}': send ${opts.bodyMediaTypes.join(' or ')}`,
      { source: { parameter: 'Content-Type' } },
    );
  };

  const handle: express.RequestHandler = async (req, res) => {
    const operationId = operationIdOf(req.method, req.path);
    try {
      const auth = opts.authenticate(req, operationId);
      checkMediaType(req, operationId);
      if (opts.conditional && operationId !== undefined) {
        // A failed precondition is answered before the request runs, so it changes nothing.
        const validators = opts.conditional.validators(req.path);
        if (evaluatePreconditions(req, validators) === 'not-modified') {
          send(req, res, operationId, { status: 304, headers: validatorHeaders(validators) });
          return;
        }
      }
      const queryString = queryStringOf(req);
      let result = (await backend.handleRequest(
        {
          method: req.method,
          path: req.path,
          query: queryString,
          headers: req.headers as Record<string, string | string[]>,
          body: req.body,
        },
        { req, auth, queryString } satisfies RouterState<Auth>,
      )) as HandlerResult;
      if (opts.conditional && operationId !== undefined) {
        const read = req.method === 'GET' || req.method === 'HEAD';
        if (!read && WRITE_SUCCESS.has(result.status)) opts.conditional.modified(req.path);
        if (read && result.status === 200) {
          result = { ...result, headers: { ...result.headers, ...validatorHeaders(opts.conditional.validators(req.path)) } };
        }
      }
      send(req, res, operationId, result);
    } catch (err) {
      fail(req, res, operationId, err);
    }
  };

  const handleError: express.ErrorRequestHandler = (err, req, res, _next) => {
    fail(req, res, operationIdOf(req.method, req.path), err);
  };

  return { handle, handleError, operationIdOf, backend };
}
