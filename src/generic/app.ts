/**
 * `createGenericApp(spec)`: a stateful, spec-validated twin of any OpenAPI
 * document, as an Express app that does not listen. It is built from the
 * parts the hand-made twins use: the router over openapi-backend
 * (src/http/openapi-router.ts: IndexedRouter, request validation, response
 * validation, the one writer), the error type and mapper (src/errors.ts), the
 * store (src/store/), the request guards, Swagger UI (src/docs/router.ts) and
 * `Prefer` (src/admin/responses.ts); what is its own is in twin.ts.
 *
 *   → percent-encoding guard → CORS, /docs, /openapi.json|yaml
 *   → /__apitwin/state (GET export, PUT import), /__apitwin/reset (back to the examples)
 *   → the spec's base path (its first server's path) stripped, when the request has it
 *   → body parsers: JSON (any +json type), urlencoded, text; nested deeper than the limit → 400
 *   → the operation's declared request media types (else 415, or the nearest documented 4xx)
 *   → route (404 / 405 with Allow) → validate path, query, headers, body (400, or the nearest documented 4xx)
 *   → handler (twin.ts) → response validated against the spec (a mismatch is a 500 naming it) → written
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import express from 'express';
import multer from 'multer';
import type { Request as BackendRequest } from 'openapi-backend';
import type { OpenAPIV3 } from 'openapi-types';
import { buildSpecModel, flatten, isObject, type SpecModel } from '../../contract-tests/engine/spec.js';
import { specDocsRouter } from '../docs/router.js';
import { ApiError, Errors, toApiError } from '../errors.js';
import { bodyDepthLimit, headAsGet, ignoreUnknownQuery, pathEncoding, queryRules } from '../http/guards.js';
import { createOpenApiRouter, describeValidationError, hasBody, type OpenApiRouter } from '../http/openapi-router.js';
import type { Operation } from '../http/route-table.js';
import { fragmentRoutes } from './fragments.js';
import { HTTP_METHODS, type LoadedSpec, loadAnySpec } from './load.js';
import { isJsonMediaType, pickMediaType } from './shape.js';
import { GenericTwin, RawBody, type RequestInfo } from './twin.js';

export interface GenericAppOptions {
  /** Validate each response before it leaves (default true): a twin that breaks its spec says so with a 500. */
  validateResponses?: boolean;
  /** Origins allowed by CORS (`*` any); empty: no CORS headers. */
  corsOrigins?: readonly string[];
  /** Deepest JSON body accepted (default 128). */
  maxBodyDepth?: number;
  /** Largest request body (default 10 MiB). */
  maxBodySize?: number;
  /** Initial state instead of the spec's examples (a document `exportState` wrote). */
  data?: unknown;
  /** Called with errors that became 500s. */
  onInternalError?: (err: unknown) => void;
}

export interface GenericApp {
  app: express.Express;
  twin: GenericTwin;
  router: OpenApiRouter;
  model: SpecModel;
  /** The path the spec's first server has (`/v1`), where the API is also served; '' when none. */
  basePath: string;
}

/** The spec's base path as the contract suite reads it (`servers[0].url`'s path). */
function basePathOf(model: SpecModel): string {
  return model.basePath === '/' ? '' : model.basePath;
}

/** Media types an operation's request body declares (without parameters). */
function declaredMediaTypes(op: Operation | undefined): string[] {
  const body = op?.requestBody as OpenAPIV3.RequestBodyObject | undefined;
  return Object.keys(body?.content ?? {}).map((t) => t.split(';')[0]?.trim().toLowerCase() ?? t);
}

/**
 * A JSON body sent where the operation documents no JSON of its own, only a media range whose
 * schema is a string (Apicurio's artifacts: any media type, the file's content): the server reads the bytes
 * as they are, so the body is its text, not the value it spells.
 */
function asDocumentedText(req: express.Request, op: Operation): void {
  const sent = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!isJsonMediaType(sent) || typeof req.body !== 'object' || req.body === null) return;
  const content = (op.requestBody as OpenAPIV3.RequestBodyObject).content ?? {};
  const types = Object.keys(content).map((t) => t.split(';')[0]?.trim().toLowerCase() ?? t);
  if (types.includes(sent)) return;
  const range = Object.entries(content).find(([t]) => t === '*/*' || (t.endsWith('/*') && sent.startsWith(t.slice(0, -1))));
  if (flatten(range?.[1].schema as OpenAPIV3.SchemaObject | undefined)?.type === 'string') req.body = JSON.stringify(req.body);
}

/** Whether a request's Content-Type is one the operation declares (wildcards and `+json` suffixes understood). */
export function acceptsMediaType(declared: readonly string[], contentType: string | undefined): boolean {
  if (declared.length === 0) return true;
  const sent = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return declared.some((d) => {
    if (d === '*/*' || d === sent) return true;
    if (d.endsWith('/*')) return sent.startsWith(d.slice(0, -1));
    return false;
  });
}

/** The media type of a request, without parameters, in lower case. */
const mediaTypeOf = (req: express.Request) => (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data']);

const isFormBody = (req: express.Request) => FORM_TYPES.has(mediaTypeOf(req)) && isObject(req.body);

/**
 * A form's values are text: each is read as the type its schema gives it (an integer, a number,
 * a boolean, an array of them), as a form-reading server does, before the body is validated.
 */
function coerceForm(req: express.Request, route: Operation): void {
  const content = (route.requestBody as OpenAPIV3.RequestBodyObject).content ?? {};
  const sent = mediaTypeOf(req);
  const media = Object.keys(content).find((t) => t.toLowerCase().startsWith(sent));
  const props = flatten(content[media ?? '']?.schema as OpenAPIV3.SchemaObject | undefined)?.properties ?? {};
  const one = (schema: OpenAPIV3.SchemaObject | undefined, v: unknown): unknown => {
    if (typeof v !== 'string') return v;
    const type = flatten(schema)?.type;
    if ((type === 'integer' || type === 'number') && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
    if (type === 'boolean' && (v === 'true' || v === 'false')) return v === 'true';
    if ((type === 'object' || type === 'array') && /^[[{]/.test(v)) {
      try {
        return JSON.parse(v);
      } catch {
        return v;
      }
    }
    return v;
  };
  const body = req.body as Record<string, unknown>;
  for (const [k, v] of Object.entries(body)) {
    const schema = flatten(props[k] as OpenAPIV3.SchemaObject | undefined);
    if (schema?.type === 'array') {
      const items = 'items' in schema ? (schema.items as OpenAPIV3.SchemaObject) : undefined;
      body[k] = (Array.isArray(v) ? v : [v]).map((i) => one(items, i));
    } else body[k] = one(schema, v);
  }
}

/** A JSON pointer's segment, written into a `$ref` URI fragment (RFC 6901 §3, RFC 3986 §3.5). */
const pointerSegment = (s: string) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'));

/**
 * Validators compiled straight from the bundled document, whose internal `$ref`s keep a
 * recursive schema finite: for the operations whose schemas openapi-backend cannot compile (its
 * restoring of a recursive `$ref` can put one where a `properties` map is, so Gmail's recursive
 * `MessagePart` fails). The schema is addressed by a JSON pointer into the document, through the
 * `$ref` of a shared response or request body.
 */
class DocumentValidators {
  private ajv: Ajv | undefined;
  private readonly compiled = new Map<string, ValidateFunction | null>();
  private readonly located = new Map<string, { path: string; method: string }>();

  constructor(private readonly doc: OpenAPIV3.Document) {
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      for (const method of HTTP_METHODS) {
        const id = item?.[method]?.operationId;
        if (id) this.located.set(id, { path, method });
      }
    }
  }

  /** The pointer of the JSON schema at `steps` from an operation, following the `$ref`s met on the way. */
  private pointer(operationId: string, steps: string[]): string | undefined {
    const at = this.located.get(operationId);
    if (!at) return undefined;
    let segments = ['paths', at.path, at.method];
    let node: unknown = this.doc.paths?.[at.path]?.[at.method as (typeof HTTP_METHODS)[number]];
    for (const step of steps) {
      for (let hops = 0; isObject(node) && typeof node.$ref === 'string' && hops < 10; hops += 1) {
        if (!node.$ref.startsWith('#/')) return undefined;
        segments = node.$ref
          .slice(2)
          .split('/')
          .map((p) => decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~'));
        node = segments.reduce<unknown>((n, k) => (isObject(n) ? n[k] : undefined), this.doc);
      }
      node = isObject(node) ? node[step] : undefined;
      segments = [...segments, step];
      if (node === undefined) return undefined;
    }
    return `#/${segments.map(pointerSegment).join('/')}`;
  }

  /** Errors of `value` against the schema at `steps` from the operation; undefined when none can be compiled. */
  validate(operationId: string, steps: string[], value: unknown): ErrorObject[] | undefined {
    const key = `${operationId}\u0000${steps.join('\u0000')}`;
    let validate = this.compiled.get(key);
    if (validate === undefined) {
      validate = null;
      const pointer = this.pointer(operationId, steps);
      if (pointer) {
        try {
          if (!this.ajv) {
            this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, logger: false });
            addFormats.default(this.ajv);
            this.ajv.addSchema(this.doc as object, 'spec');
          }
          validate = this.ajv.compile({ $ref: `spec${pointer}` });
        } catch {
          validate = null;
        }
      }
      this.compiled.set(key, validate);
    }
    if (!validate) return undefined;
    return validate(value) ? [] : [...(validate.errors ?? [])];
  }
}

/**
 * openapi-backend cannot compile some real-world schemas. Such an operation's bodies are then
 * validated against the bundled document's schema (`DocumentValidators`); only where that fails
 * too is it served unvalidated rather than answered 500, and the failure reported once per operation.
 */
function tolerateUncompilable(router: OpenApiRouter, doc: OpenAPIV3.Document, report: ((err: unknown) => void) | undefined): void {
  const validator = router.backend.validator;
  const fallback = new DocumentValidators(doc);
  const reported = new Set<string>();
  const once = (operationId: string | undefined, side: string, err: unknown) => {
    const key = `${operationId}:${side}`;
    if (reported.has(key)) return;
    reported.add(key);
    report?.(
      new Error(
        `${operationId ?? 'an operation'}: its ${side} schema cannot be compiled, so it is not validated: ${(err as Error).message.slice(0, 300)}`,
      ),
    );
  };
  const idOf = (operation: string | { operationId?: string } | undefined) =>
    typeof operation === 'string' ? operation : operation?.operationId;
  const validateResponse = validator.validateResponse.bind(validator);
  validator.validateResponse = (res, operation, statusCode) => {
    try {
      return validateResponse(res, operation, statusCode);
    } catch (err) {
      const id = idOf(operation);
      const op = id === undefined ? undefined : router.backend.router.getOperation(id);
      const responses = (op?.responses ?? {}) as Record<string, OpenAPIV3.ResponseObject>;
      const s = String(statusCode ?? 200);
      const key = [s, `${s[0]}XX`, 'default'].find((k) => responses[k] !== undefined);
      const media = key === undefined ? undefined : pickMediaType(responses[key]?.content);
      const errors =
        id !== undefined && key !== undefined && media !== undefined
          ? fallback.validate(id, ['responses', key, 'content', media, 'schema'], res)
          : undefined;
      if (errors) return { valid: errors.length === 0, errors: errors.length ? errors : null };
      once(id, 'response', err);
      return { valid: true, errors: null };
    }
  };
  const operationOf = (operation: string | { operationId?: string } | undefined) => {
    const id = idOf(operation);
    return { id, op: id === undefined ? undefined : (router.backend.router.getOperation(id) as Operation | undefined) };
  };
  /** The body's errors against the bundled document's schema of the media type sent; undefined where that cannot be judged. */
  const bodyErrors = (id: string, op: Operation, req: BackendRequest): ErrorObject[] | undefined => {
    const body = op.requestBody as OpenAPIV3.RequestBodyObject | undefined;
    if (!body) return [];
    if (req.body === undefined) return body.required && !sentBody(req.headers) ? [MISSING_BODY] : [];
    const media = mediaTypeFor(body.content, req.headers['content-type']);
    if (media === undefined || !isJsonMediaType(media)) return undefined;
    return fallback
      .validate(id, ['requestBody', 'content', media, 'schema'], req.body)
      ?.map((e) => ({ ...e, instancePath: `/requestBody${e.instancePath}` }));
  };
  const validateRequest = validator.validateRequest.bind(validator);
  validator.validateRequest = (req, operation) => {
    const { id, op } = operationOf(operation);
    let result: ReturnType<typeof validateRequest>;
    try {
      result = validateRequest(req, operation);
    } catch (err) {
      // The body at least, as openapi-backend reports it (`/requestBody/…`); parameters go unvalidated.
      const errors = id !== undefined && op ? bodyErrors(id, op, req) : undefined;
      if (!errors) once(id, 'request', err);
      // The parameters as sent (uncoerced): the handler still needs the path's ids (Drive's comments of `{fileId}`).
      const parsed = op ? router.backend.router.parseRequest(req, op) : undefined;
      const coerced = { ...req, params: parsed?.params ?? {}, query: parsed?.query ?? {} };
      return { valid: !errors?.length, errors: errors?.length ? errors : null, coerced };
    }
    // openapi-backend validates only a body of exactly `application/json` or a form: another JSON
    // type (Zuora's `application/json; charset=utf-8`, `text/json`, `*/*`) is validated here.
    if (id !== undefined && op && !backendValidatesBody(op)) {
      const errors = bodyErrors(id, op, req) ?? [];
      if (errors.length) return { ...result, valid: false, errors: [...(result.errors ?? []), ...errors] };
    }
    // A GET's body has no defined meaning (RFC 9110 §9.3.1) and most clients cannot send one (fetch
    // refuses): one the spec requires (AWS SES's ListImportJobs) is read when sent, not insisted on.
    if (/^(GET|HEAD)$/i.test(req.method) && req.body === undefined && result.errors?.length) {
      const errors = result.errors.filter((e) => !isMissingBody(e));
      if (errors.length < result.errors.length) return { ...result, valid: errors.length === 0, errors: errors.length ? errors : null };
    }
    return result;
  };
}

/** What openapi-backend reports for a required body that is missing. */
const MISSING_BODY: ErrorObject = {
  keyword: 'required',
  instancePath: '',
  schemaPath: '#/required',
  params: { missingProperty: 'requestBody' },
  message: "must have required property 'requestBody'",
};

const isMissingBody = (e: ErrorObject): boolean =>
  e.keyword === 'required' && e.instancePath === '' && (e.params as { missingProperty?: unknown }).missingProperty === 'requestBody';

/** The media types whose schema openapi-backend validates a body against (its validation.js). */
const BACKEND_BODY_TYPES = ['application/json', 'multipart/form-data', 'application/x-www-form-urlencoded'];

const backendValidatesBody = (op: Operation) =>
  BACKEND_BODY_TYPES.some((t) => (op.requestBody as OpenAPIV3.RequestBodyObject | undefined)?.content?.[t]?.schema !== undefined);

/** Whether a request carried body bytes (a body no parser read is still a body). */
function sentBody(headers: BackendRequest['headers']): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) > 0);
}

/** The declared media type of the request's Content-Type (parameters aside), else the one the twin would pick. */
function mediaTypeFor(
  content: Record<string, OpenAPIV3.MediaTypeObject> | undefined,
  contentType: string | string[] | undefined,
): string | undefined {
  const base = (t: string) => t.split(';')[0]?.trim().toLowerCase() ?? t;
  const sent = base(String(Array.isArray(contentType) ? contentType[0] : (contentType ?? '')));
  const types = Object.keys(content ?? {});
  // A range that covers it (`*/*`, `application/*`) before any other type the twin would pick.
  const range = types.find((t) => base(t) === '*/*' || (base(t).endsWith('/*') && sent.startsWith(base(t).slice(0, -1))));
  return types.find((t) => base(t) === sent) ?? range ?? pickMediaType(content);
}

/**
 * Header parameters named Accept, Content-Type or Authorization are dropped: OpenAPI says such a
 * definition "SHALL be ignored" (3.0.3 §4.7.12.1), as the media types and security schemes say
 * what those headers carry; validated, a required `Content-Type` header would refuse every GET.
 */
export function withoutIgnoredHeaders(doc: OpenAPIV3.Document): void {
  const ignored = (p: unknown): boolean => {
    let param = p;
    if (isObject(param) && typeof param.$ref === 'string' && param.$ref.startsWith('#/components/parameters/')) {
      param = doc.components?.parameters?.[decodeURIComponent(param.$ref.slice('#/components/parameters/'.length))];
    }
    return (
      isObject(param) &&
      param.in === 'header' &&
      typeof param.name === 'string' &&
      /^(accept|content-type|authorization)$/i.test(param.name)
    );
  };
  for (const item of Object.values(doc.paths ?? {})) {
    if (!item) continue;
    if (Array.isArray(item.parameters)) item.parameters = item.parameters.filter((p) => !ignored(p));
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (op && Array.isArray(op.parameters)) op.parameters = op.parameters.filter((p) => !ignored(p));
    }
  }
}

export async function createGenericApp(source: string | LoadedSpec, opts: GenericAppOptions = {}): Promise<GenericApp> {
  const loaded = typeof source === 'string' ? await loadAnySpec(source) : source;
  withoutIgnoredHeaders(loaded.bundled);
  const model = await buildSpecModel(loaded.bundled.info?.title ?? 'api', loaded.bundled);
  const twin = new GenericTwin({ model, bundled: loaded.bundled, seed: opts.data === undefined });
  if (opts.data !== undefined) twin.importState(opts.data);
  let router: OpenApiRouter | undefined;
  const operationIdOf = (req: express.Request) => router?.operationIdOf(req.method, req.path);

  // What each multipart form requires, read before openapi-backend compiles its validators: it
  // takes the binary members out of the schema's `required`, in the document itself.
  const multipartRequired = new Map<string, string[]>();
  for (const op of model.operations) {
    const schema = flatten(op.requestBody?.content?.['multipart/form-data']?.schema as OpenAPIV3.SchemaObject | undefined);
    if (schema?.required?.length) multipartRequired.set(op.id, [...schema.required]);
  }
  const fragments = fragmentRoutes(model.document);
  router = await createOpenApiRouter<RequestInfo, undefined>({
    definition: fragments?.definition ?? model.document,
    handlers: twin.handlers(),
    context: (req) => ({ prefer: req.headers.prefer, accept: req.headers.accept }),
    authenticate: () => undefined,
    renderError: (err, req) => twin.renderError(err, operationIdOf(req)),
    // A path parameter that does not fit its schema names nothing there: a 404 where the spec documents it.
    validationError: (errors, _body, _operation) => {
      const described = errors.map(describeValidationError);
      const detail = described.map((d) => d.detail).join('; ') || 'The request does not match the API description';
      const onlyPath = errors.length > 0 && errors.every((e) => e.instancePath.startsWith('/path'));
      return ApiError.from(onlyPath ? Errors.ROUTE_NOT_FOUND : Errors.VALIDATION_FAILED, detail, {
        details: { errors: described.map((d) => d.detail) },
      });
    },
    serialize: (body) => (body instanceof RawBody ? body.text : JSON.stringify(body)),
    bodyMediaTypes: 'any',
    validateResponses: opts.validateResponses ?? true,
    onInternalError: (err) => opts.onInternalError?.(err),
  });
  tolerateUncompilable(router, loaded.bundled, opts.onInternalError);
  twin.validate = (operationId, status, body) => {
    const op = router?.backend.router.getOperation(operationId);
    if (!op) return [];
    return router?.backend.validator.validateResponse(body, op, status).errors ?? [];
  };

  const basePath = basePathOf(model);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(pathEncoding);
  // Swagger UI and the document at /docs and /openapi.json, unless the API has paths there itself
  // (Azure Search's GET /docs): then under /__apitwin, and the API keeps its own.
  const own = (p: string) => /^\/(docs(\/|$)|openapi\.(json|yaml)$)/.test(`${basePath}${p}`);
  const docsPrefix = Object.keys(loaded.bundled.paths ?? {}).some(own) ? '/__apitwin' : '';
  app.use(specDocsRouter(loaded.bundled, opts.corsOrigins ?? ['*'], docsPrefix));
  // State export / import and reset, outside the spec (json-server's state file, on a spec-validated twin).
  app.get('/__apitwin/state', (_req, res) => {
    res.json(twin.exportState());
  });
  app.put('/__apitwin/state', express.json({ limit: opts.maxBodySize ?? 10 * 1024 * 1024 }), (req, res, next) => {
    try {
      twin.importState(req.body);
      res.status(204).end();
    } catch (err) {
      next(err);
    }
  });
  app.post('/__apitwin/reset', (_req, res) => {
    twin.reset();
    res.status(204).end();
  });
  if (basePath) {
    app.use((req, _res, next) => {
      if (req.url === basePath || req.url.startsWith(`${basePath}/`) || req.url.startsWith(`${basePath}?`)) {
        req.url = req.url.slice(basePath.length) || '/';
        if (req.url.startsWith('?')) req.url = `/${req.url}`;
      }
      next();
    });
  }
  // HEAD runs the GET of the same path, unless the spec has a HEAD operation there (Azure's CheckNameExists).
  app.use((req, res, next) => {
    if (req.method === 'HEAD' && router?.operationIdOf('HEAD', req.path) !== undefined) return next();
    headAsGet(req, res, next);
  });
  if (fragments) {
    // An operation told apart by a fragment of its path template: routed by the query string (fragments.ts).
    app.use((req, _res, next) => {
      const at = req.url.indexOf('?');
      const query = new URLSearchParams(at < 0 ? '' : req.url.slice(at + 1));
      const routable = router?.operationIdOf(req.method, req.path) !== undefined;
      const target = fragments.rewrite(req.method, req.path, query, routable, req.headers['content-type']);
      if (target !== undefined) req.url = `${target}${at < 0 ? '' : req.url.slice(at)}`;
      next();
    });
  }
  // Query parameters the operation does not declare are ignored, as real servers (and the hand-made
  // twins) ignore them: icons8's templates name `{term}` in their query without declaring it.
  app.use(
    ignoreUnknownQuery((method, path) => router?.operationIdOf(method, path), queryRules(fragments?.definition ?? model.document), {
      keepRepeated: true,
    }),
  );
  const limit = opts.maxBodySize ?? 10 * 1024 * 1024;
  app.use(
    express.json({
      type: (req) => isJsonMediaType(String(req.headers['content-type'] ?? '')) && hasBody(req as express.Request),
      limit,
      strict: false,
      verify: bodyDepthLimit(opts.maxBodyDepth ?? 128),
    }),
  );
  app.use(express.urlencoded({ extended: false, limit }));
  app.use(express.text({ type: ['text/*', 'application/xml'], limit }));
  // Multipart forms, read only for operations that document them (another is refused below): each
  // file part as its text, beside the text fields, so the form validates as the schema describes it.
  const multipart = multer({ storage: multer.memoryStorage(), limits: { fieldSize: limit, fileSize: limit } }).any();
  app.use((req, res, next) => {
    if (mediaTypeOf(req) !== 'multipart/form-data' || !hasBody(req)) return next();
    const route = router?.backend.router.matchOperation({ method: req.method, path: req.path, headers: {} }) as Operation | undefined;
    if (!declaredMediaTypes(route).includes('multipart/form-data')) return next();
    multipart(req, res, (err: unknown) => {
      if (err) return next(ApiError.from(Errors.BAD_REQUEST, `The multipart body could not be read: ${(err as Error).message}`));
      const body: Record<string, unknown> = { ...(req.body as Record<string, unknown>) };
      for (const file of (req.files ?? []) as Express.Multer.File[]) {
        const text = file.buffer.toString('utf8');
        const had = body[file.fieldname];
        body[file.fieldname] = had === undefined ? text : Array.isArray(had) ? [...had, text] : [had, text];
      }
      req.body = body;
      const schema = flatten(
        (route?.requestBody as OpenAPIV3.RequestBodyObject | undefined)?.content?.['multipart/form-data']?.schema as
          | OpenAPIV3.SchemaObject
          | undefined,
      );
      // A form whose schema is one value, not an object (noosh's `type: string, format: binary`): its one part.
      if (schema?.type !== undefined && schema.type !== 'object') {
        req.body = Object.values(body)[0];
        return next();
      }
      // openapi-backend does not require binary members (a file part is not in its body): a
      // required file that was not sent is refused here (pdfblocks' `file`).
      const missing = (multipartRequired.get(route?.operationId ?? '') ?? []).filter((name) => body[name] === undefined);
      if (missing.length) {
        const detail = missing.map((name) => `Request body / must have required property '${name}'`);
        return next(ApiError.from(Errors.VALIDATION_FAILED, detail.join('; '), { details: { errors: detail } }));
      }
      next();
    });
  });
  // The operation's declared media types: another is refused before validation (openapi-backend never checks, its #229).
  app.use((req, _res, next) => {
    if (!hasBody(req)) return next();
    const route = router?.backend.router.matchOperation({ method: req.method, path: req.path, headers: {} }) as Operation | undefined;
    const declared = declaredMediaTypes(route);
    if (route?.requestBody && isFormBody(req)) coerceForm(req, route);
    if (route?.requestBody) asDocumentedText(req, route);
    if (route?.requestBody && !acceptsMediaType(declared, req.headers['content-type'])) {
      return next(
        ApiError.from(
          Errors.UNSUPPORTED_MEDIA_TYPE,
          `Unsupported Content-Type '${req.headers['content-type'] ?? '(none)'}': send ${declared.join(' or ')}`,
        ),
      );
    }
    next();
  });
  app.use(router.handle);
  app.use(router.handleError);
  app.use(((err, _req, res, _next) => {
    // Only reached when the router's own error handler throws: answer something rather than hang.
    const apiError = toApiError(err);
    res.status(apiError.status).json({ title: apiError.title, status: apiError.status, detail: apiError.detail });
  }) as express.ErrorRequestHandler);
  return { app, twin, router, model, basePath };
}
