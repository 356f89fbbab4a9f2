/**
 * The MaxScale twin as an Express app (it does not listen).
 *
 * Request flow: request log → X-HTTP-Method-Override → JSON body parser
 * (application/json and application/vnd.api+json) → the spec router, mounted
 * at /v1 and at / (MaxScale answers both) → Basic auth → openapi-backend
 * routing and validation → handler → response validation → one writer.
 */
import { timingSafeEqual } from 'node:crypto';
import type { ErrorObject } from 'ajv';
import express from 'express';
import type { Config } from '../config.js';
import { listeningPort, publicUrl } from '../config.js';
import { docsRouter } from '../docs/router.js';
import { ApiError, Errors } from '../errors.js';
import { createOpenApiRouter, type RawHandler, validationError } from '../http/openapi-router.js';
import type { HandlerResult } from '../http/types.js';
import { type Logger, requestLogger } from '../log.js';
import { loadSpec } from '../spec/load.js';
import type { KvStore } from '../store/kv.js';
import type { MaxscaleAuth, MaxscaleContext } from './context.js';
import { handlers } from './handlers/index.js';
import { MaxscaleModel } from './model.js';
import type { MaxscaleState } from './records.js';
import { Links } from './views.js';

export const JSON_MEDIA_TYPES = ['application/json', 'application/vnd.api+json'] as const;

/** MaxScale's error document: `{"errors":[{"detail": …}]}` (JSON API error objects). */
export function renderMaxscaleError(err: ApiError): HandlerResult {
  return {
    status: err.status,
    body: {
      errors: [
        {
          detail: err.detail,
          status: String(err.status),
          code: err.code,
          title: err.title,
          ...(err.source && Object.keys(err.source).length ? { source: err.source } : {}),
        },
      ],
    },
  };
}

/**
 * MaxScale's statuses for a request the spec refuses: no body where one is
 * needed is 403 `Missing request body`; a well-formed document MaxScale
 * refuses (a member missing or of the wrong type) is 403 with the errors
 * document, as its runtime answers every refusal. Only a bad query or path
 * parameter stays a 400 (malformed JSON is a 400 before validation).
 */
export function maxscaleValidationError(errors: ErrorObject[]): ApiError {
  const missingBody = errors.some(
    (e) =>
      e.keyword === 'required' && e.instancePath === '' && (e.params as { missingProperty?: unknown }).missingProperty === 'requestBody',
  );
  if (missingBody) return ApiError.from(Errors.MISSING_BODY, 'Missing request body', { source: { pointer: '/' } });
  const parameters = errors.filter((e) => !e.instancePath.startsWith('/requestBody'));
  if (parameters.length) return validationError(parameters);
  return validationError(errors, Errors.DOCUMENT_REFUSED);
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function unauthorized(detail: string): ApiError {
  return ApiError.from(Errors.UNAUTHORIZED, detail, { headers: { 'WWW-Authenticate': 'Basic realm="maxscale"' } });
}

/** HTTP Basic against the twin's network users (RFC 7617); basic accounts may only read. */
export function authenticate(model: MaxscaleModel, req: express.Request): MaxscaleAuth {
  if (model.adminAuthDisabled()) return { user: 'anonymous', account: 'admin' };
  const header = req.headers.authorization ?? '';
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) throw unauthorized('Authentication is required: use HTTP Basic with a MaxScale admin user');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const name = colon < 0 ? decoded : decoded.slice(0, colon);
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  const user = model.findUser('inet', name);
  if (!user || user.password === undefined || !safeEqual(user.password, password)) {
    throw unauthorized('Wrong user name or password');
  }
  if (user.account !== 'admin' && !READ_METHODS.has(req.method.toUpperCase())) {
    // Resources-User.md: a basic account's POST, PUT, PATCH or DELETE is answered with 401 Unauthorized.
    throw ApiError.from(Errors.READ_ONLY_USER, `User '${name}' has a basic account, which may only read`, {
      headers: { 'WWW-Authenticate': 'Basic realm="maxscale"' },
    });
  }
  return { user: name, account: user.account };
}

/** `pretty` defaults to true (API.md); `pretty=false` gives compact output. */
function serialize(body: unknown, req: express.Request): string {
  const pretty = req.query.pretty;
  const compact = pretty === 'false' || pretty === '0';
  return compact ? JSON.stringify(body) : JSON.stringify(body, null, 4);
}

/** X-HTTP-Method-Override (API.md): replaces the method with an uppercase one the resource supports. */
function methodOverride(req: express.Request, _res: express.Response, next: express.NextFunction): void {
  const override = req.headers['x-http-method-override'];
  if (typeof override === 'string' && /^(GET|PUT|POST|PATCH|DELETE)$/.test(override)) req.method = override;
  next();
}

export interface MaxscaleApp {
  app: express.Express;
  model: MaxscaleModel;
}

export async function createMaxscaleApp(
  config: Config,
  store: KvStore,
  opts: { logger: Logger; initialState: () => MaxscaleState },
): Promise<MaxscaleApp> {
  const model = new MaxscaleModel(store);
  if (model.isEmpty()) model.load(opts.initialState());
  // Lazily: with port 0 the real port is known only once the server listens.
  const links = new Links(() => publicUrl(config));
  const context: MaxscaleContext = { model, links, admin: () => ({ host: config.host, port: listeningPort(config, 'maxscale') }) };

  const router = await createOpenApiRouter<MaxscaleContext, MaxscaleAuth>({
    definition: await loadSpec('maxscale'),
    handlers: handlers as unknown as Record<string, RawHandler<MaxscaleContext, MaxscaleAuth>>,
    context: () => context,
    authenticate: (req) => authenticate(model, req),
    renderError: renderMaxscaleError,
    validationError: maxscaleValidationError,
    serialize,
    bodyMediaTypes: JSON_MEDIA_TYPES,
    validateResponses: config.validateResponses,
    onInternalError: (err, req) => opts.logger.error({ err, method: req.method, path: req.originalUrl }, 'internal error'),
    conditional: {
      validators: (path) => model.versions.validators(path),
      modified: (path) => model.versions.modified(path),
    },
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'extended');
  app.use(requestLogger(opts.logger, 'maxscale'));
  app.use(docsRouter({ api: 'maxscale', config })); // Swagger UI and the specs, without auth (issue 7)
  app.use(methodOverride);
  app.use(express.json({ type: [...JSON_MEDIA_TYPES], limit: '1mb', strict: true }));
  if (config.testRoutes) {
    // Test-only, outside the spec: puts the store back to the initial state (contract-test isolation).
    app.post('/__test/reset', (_req, res) => {
      model.load(opts.initialState());
      res.status(204).end();
    });
  }
  app.use('/v1', router.handle);
  app.use(router.handle);
  app.use(router.handleError);
  return { app, model };
}
