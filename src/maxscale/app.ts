/**
 * The MaxScale twin as an Express app (it does not listen).
 *
 * Request flow: front lane (a plain GET whose answer is kept: src/http/answers.ts)
 * → request log → X-HTTP-Method-Override → JSON body parser
 * (application/json and application/vnd.api+json) → the spec router, mounted
 * at /v1 and at / (MaxScale answers both) → Basic auth → openapi-backend
 * routing and validation → handler → response validation → one writer.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ErrorObject } from 'ajv';
import express from 'express';
import type { AdminTools } from '../admin/app.js';
import { injectedError } from '../admin/intercept.js';
import type { Config } from '../config.js';
import { listeningPort, publicUrl } from '../config.js';
import { docsRouter } from '../docs/router.js';
import { ApiError, Errors } from '../errors.js';
import { answerKey, isPlainRequest, type Listener } from '../http/answers.js';
import { bodyDepthLimit, headAsGet, ignoreUnknownQuery, pathEncoding, queryRules, refuseProtoKeys } from '../http/guards.js';
import { createOpenApiRouter, type RawHandler, validationError, writeResult } from '../http/openapi-router.js';
import type { HandlerResult } from '../http/types.js';
import { type Logger, requestLogger } from '../log.js';
import { loadSpec, precompiledValidators } from '../spec/load.js';
import type { KvStore } from '../store/kv.js';
import type { MaxscaleAuth, MaxscaleContext } from './context.js';
import { RuleFiles } from './dbfw.js';
import { handlers } from './handlers/index.js';
import { MaxscaleModel } from './model.js';
import type { MaxscaleState } from './records.js';
import { Links } from './views.js';

/** GETs whose answers are computed from their query rather than read from the state. */
const NOT_STATE = new Set(['callModuleCommand', 'callModuleSubcommand', 'classifyQuery']);

/** GETs that read the clock (MaxScale's uptime): their answer changes without the state changing. */
const READS_CLOCK = new Set(['getMaxscale', 'getRoot']);

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

const digest = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();

/**
 * Compares two secrets in a time that depends on neither's length nor
 * content: both are hashed to 32 bytes, then compared in constant time.
 */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** Compared against when the user does not exist, so an unknown name costs what a wrong password costs. */
const NO_USER_SECRET = randomBytes(32).toString('hex');

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function unauthorized(detail: string): ApiError {
  return ApiError.from(Errors.UNAUTHORIZED, detail, { headers: { 'WWW-Authenticate': 'Basic realm="maxscale"' } });
}

/** The account a `Basic` Authorization header proves (RFC 7617), or a 401. */
function checkCredentials(model: MaxscaleModel, header: string): MaxscaleAuth {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) throw unauthorized('Authentication is required: use HTTP Basic with a MaxScale admin user');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const name = colon < 0 ? decoded : decoded.slice(0, colon);
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  const user = model.findUser('inet', name);
  const matches = sameSecret(user?.password ?? NO_USER_SECRET, password);
  if (!user || user.password === undefined || !matches) {
    throw unauthorized('Wrong user name or password');
  }
  return { user: name, account: user.account };
}

/** Headers that proved an account, kept at most this many at once. */
const KNOWN_HEADERS = 64;

/**
 * HTTP Basic against the twin's network users; basic accounts may only read.
 * A header that proved an account is known for the rest of the state's
 * generation (any write or new state moves it: a user deleted, `admin_auth`
 * changed), so a client's next requests skip reading the users and hashing.
 */
export function authenticator(model: MaxscaleModel): (req: IncomingMessage) => MaxscaleAuth {
  let generation = -1;
  let authDisabled = false;
  const known = new Map<string, MaxscaleAuth>();
  return (req) => {
    const now = model.versions.generation();
    if (now !== generation) {
      generation = now;
      known.clear();
      authDisabled = model.adminAuthDisabled();
    }
    if (authDisabled) return { user: 'anonymous', account: 'admin' };
    const header = req.headers.authorization ?? '';
    let auth = known.get(header);
    if (auth === undefined) {
      auth = checkCredentials(model, header);
      if (known.size >= KNOWN_HEADERS) known.clear();
      known.set(header, auth);
    }
    if (auth.account !== 'admin' && !READ_METHODS.has((req.method ?? '').toUpperCase())) {
      // Resources-User.md: a basic account's POST, PUT, PATCH or DELETE is answered with 401 Unauthorized.
      throw ApiError.from(Errors.READ_ONLY_USER, `User '${auth.user}' has a basic account, which may only read`, {
        headers: { 'WWW-Authenticate': 'Basic realm="maxscale"' },
      });
    }
    return auth;
  };
}

/** `pretty` defaults to true (API.md); `pretty=false` gives compact output, any other value is ignored. */
function serialize(body: unknown, req: express.Request): string {
  const compact = req.query.pretty === 'false';
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
  /** The app behind its front lane: what the server listens with. */
  listener: Listener;
  model: MaxscaleModel;
}

export async function createMaxscaleApp(
  config: Config,
  store: KvStore,
  opts: { logger: Logger; initialState: () => MaxscaleState; admin?: AdminTools | undefined },
): Promise<MaxscaleApp> {
  const model = new MaxscaleModel(store);
  if (model.isEmpty()) model.load(opts.initialState());
  // Lazily: with port 0 the real port is known only once the server listens.
  const links = new Links(() => publicUrl(config));
  const context: MaxscaleContext = {
    model,
    links,
    ruleFiles: new RuleFiles(config.dbfwRulesDir),
    admin: () => ({ host: config.host, port: listeningPort(config, 'maxscale') }),
  };

  const definition = await loadSpec('maxscale');
  const router = await createOpenApiRouter<MaxscaleContext, MaxscaleAuth>({
    definition,
    validators: precompiledValidators('maxscale'),
    handlers: handlers as unknown as Record<string, RawHandler<MaxscaleContext, MaxscaleAuth>>,
    context: () => context,
    authenticate: authenticator(model),
    renderError: renderMaxscaleError,
    validationError: maxscaleValidationError,
    serialize,
    bodyMediaTypes: JSON_MEDIA_TYPES,
    validateResponses: config.validateResponses,
    onInternalError: (err, req) => opts.logger.error({ err, method: req.method, path: req.originalUrl }, 'internal error'),
    checkBody: refuseProtoKeys,
    conditional: {
      validators: (path) => model.versions.validators(path),
      modified: (path) => model.versions.modified(path),
    },
    // A GET of the state is answered again from what it answered last, until the state changes.
    answers: {
      generation: () => model.versions.generation(),
      cacheable: ({ method, operationId = '' }) => method === 'get' && !NOT_STATE.has(operationId) && !READS_CLOCK.has(operationId),
    },
  });

  // The operation of a request, under /v1 or not (the admin API's journal and fault rules).
  const operationIdOf = (req: express.Request) => router.operationIdOf(req.method, req.path.replace(/^\/v1(?=\/|$)/, '') || '/');

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'extended');
  const logRequest = requestLogger(opts.logger, 'maxscale');
  app.use(logRequest);
  app.use(pathEncoding);
  app.use(docsRouter({ api: 'maxscale', config })); // Swagger UI and the specs, without auth (issue 7)
  // MaxScale answers HEAD as the GET without its body (its REST API does a GET and drops the body).
  app.use(headAsGet);
  opts.admin?.mount(app, 'maxscale', operationIdOf);
  app.use(methodOverride);
  app.use(express.json({ type: [...JSON_MEDIA_TYPES], limit: '1mb', strict: true, verify: bodyDepthLimit(config.maxBodyDepth) }));
  // The API answers at /v1 and at / (the router is mounted at both): route as the mount that serves it.
  const operationOf = (method: string, path: string) =>
    /^\/v1(\/|$)/.test(path) ? router.operationIdOf(method, path.slice(3) || '/') : router.operationIdOf(method, path);
  app.use(ignoreUnknownQuery(operationOf, queryRules(definition)));
  if (opts.admin) {
    const renderInjected = (status: number, detail: string) => renderMaxscaleError(injectedError(status, detail));
    app.use(await opts.admin.intercept({ api: 'maxscale', operationIdOf, renderInjected, serialize }, 'maxscale'));
  }
  app.use('/v1', router.handle);
  app.use(router.handle);
  app.use(router.handleError);

  // The front lane (src/http/answers.ts): a plain GET or HEAD whose answer is kept for this state
  // is sent before Express; the admin API's journal and fault rules see every request, so with
  // them every request goes through Express.
  const listener: Listener = (req, res) => {
    if (!opts.admin && (req.method === 'GET' || req.method === 'HEAD') && isPlainRequest(req, 'none')) {
      // HEAD is the GET without its body (headAsGet); Node leaves the body out of a HEAD response.
      const kept = router.keptAnswer(req, answerKey('GET', req.url ?? ''));
      if (kept) {
        logRequest(req, res, () => writeResult(res, kept.result, kept.bytes));
        return;
      }
    }
    app(req, res);
  };
  return { app, listener, model };
}
