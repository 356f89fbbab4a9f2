/**
 * The pip-sessions twin as an Express app (it does not listen).
 *
 * Request flow, as the real service's restify stack reads a request (behind
 * the front lane, which sends kept answers of read commands: src/http/answers.ts):
 * request log → Accept check (406, as restify's acceptParser) → JSON body parser
 * (application/json only, any JSON value, up to the configured size) → the
 * arguments: a body that is not a JSON object (none, another media type,
 * `null`, an array, a string) is `{}`, as Pip.Services' Parameters read it →
 * a trailing slash is another path (404, restify does not strip it) → the
 * spec router, which serves `/v1/sessions/<command>`, `/sessions/<command>`,
 * `/heartbeat` and `/status` → openapi-backend routing (404
 * ResourceNotFound, 405 MethodNotAllowed) and validation (400 INVALID_DATA in
 * Pip.Services' wording and order) → handler → response validation → one
 * writer. What restify refuses has its short `{code, message}` body; the
 * rest is an ErrorDescription.
 */
import type { IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import express from 'express';
import type { Operation } from 'openapi-backend';
import type { OpenAPIV3 } from 'openapi-types';
import type { AdminTools } from '../admin/app.js';
import { injectedError } from '../admin/intercept.js';
import type { Config } from '../config.js';
import { docsRouter } from '../docs/router.js';
import { ApiError, Errors } from '../errors.js';
import { isPlainRequest, type Listener, rememberRawBody } from '../http/answers.js';
import { bodyDepthLimit, ignoreUnknownQuery, pathEncoding, queryRules } from '../http/guards.js';
import { createOpenApiRouter, type RawHandler, requestAnswerKey, writeResult } from '../http/openapi-router.js';
import { type Logger, requestLogger } from '../log.js';
import { loadSpec, precompiledValidators } from '../spec/load.js';
import { ANONYMOUS, type PipAuth, type PipContext, type ServiceInfo } from './context.js';
import { invalidData, renderPipError, validationResultsFromAjv } from './errors.js';
import { handlers } from './handlers.js';
import { SessionsModel } from './model.js';
import type { SessionsStore } from './store.js';

/** The media types restify's formatters produce; an Accept header that allows none of them is a 406. */
export const ACCEPTABLE = ['application/json', 'text/plain', 'application/octet-stream', 'application/javascript'] as const;

/** In the order the real service's status lists them. */
function componentsOf(store: SessionsStore): string[] {
  return [
    'pip-services:context-info:default:default:1.0',
    'pip-services:endpoint:http:default:1.0',
    `pip-services-sessions:persistence:${store.kind}:default:1.0`,
    'pip-services-sessions:controller:default:default:1.0',
    'pip-services-sessions:service:http:default:1.0',
    'pip-services:heartbeat-service:http:default:1.0',
    'pip-services:status-service:http:default:1.0',
  ];
}

function acceptable(req: express.Request, _res: express.Response, next: express.NextFunction): void {
  if (req.accepts([...ACCEPTABLE])) {
    next();
    return;
  }
  next(ApiError.from(Errors.NOT_ACCEPTABLE, `Server accepts: ${ACCEPTABLE.join(',')}`));
}

/**
 * The arguments are the members of a JSON object body; anything else (no
 * body, a body of another media type, JSON `null`, an array, a string, a
 * number) is read as no arguments, as Pip.Services' Parameters.fromValue
 * reads it in the real service.
 */
function argumentsOrEmptyObject(req: express.Request, _res: express.Response, next: express.NextFunction): void {
  const body: unknown = req.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) req.body = {};
  next();
}

/** restify does not strip a trailing slash: `/v1/sessions/get_sessions/` is an unknown path. */
function trailingSlashIsAnotherPath(req: express.Request, _res: express.Response, next: express.NextFunction): void {
  if (req.path.length > 1 && req.path.endsWith('/')) {
    next(ApiError.from(Errors.ROUTE_NOT_FOUND, `No resource at ${req.path}`));
    return;
  }
  next();
}

/** The commands that only read: their answers are kept until the sessions change (src/http/answers.ts). */
const READS = new Set(['getSessions', 'getSessionsUnversioned', 'getSessionById', 'getSessionByIdUnversioned']);

/** The paths of those commands, as a request line names them. */
function readPaths(doc: OpenAPIV3.Document): Set<string> {
  const paths = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) if (READS.has(item?.post?.operationId ?? '')) paths.add(path);
  return paths;
}

/** Accept headers the front lane takes as they are (what Pip.Services' clients send); any other is judged by Express. */
const PLAIN_ACCEPT = new Set([undefined, '*/*', 'application/json']);

/** The JSON schema of an operation's request body (openapi-backend hands operations over dereferenced). */
function requestSchemaOf(operation: Operation | undefined): unknown {
  const body = operation?.requestBody as OpenAPIV3.RequestBodyObject | undefined;
  return body?.content?.['application/json']?.schema;
}

export interface PipApp {
  app: express.Express;
  /** The app behind its front lane: what the server listens with. */
  listener: Listener;
  model: SessionsModel;
}

export async function createPipApp(
  config: Config,
  store: SessionsStore,
  opts: { logger: Logger; now?: () => Date; newId?: () => string; admin?: AdminTools | undefined },
): Promise<PipApp> {
  const now = opts.now ?? (() => new Date());
  const model = new SessionsModel(store, {
    maxPageSize: config.pip.maxPageSize,
    expireTimeoutMs: config.pip.expireTimeoutMs,
    now,
    ...(opts.newId ? { newId: opts.newId } : {}),
  });
  const info: ServiceInfo = { contextId: hostname(), startTime: now(), components: componentsOf(store) };
  const context: PipContext = { model, info, now };

  const definition = await loadSpec('pip-sessions');
  const router = await createOpenApiRouter<PipContext, PipAuth>({
    definition,
    validators: precompiledValidators('pip-sessions'),
    handlers: handlers as unknown as Record<string, RawHandler<PipContext, PipAuth>>,
    context: () => context,
    authenticate: () => ANONYMOUS,
    renderError: renderPipError,
    validationError: (errors, body, operation) => invalidData(validationResultsFromAjv(errors, body, requestSchemaOf(operation))),
    serialize: (body) => JSON.stringify(body),
    bodyMediaTypes: 'any',
    // The real service reads only correlation_id from the query string and never refuses one.
    queryErrors: 'ignore',
    validateResponses: config.validateResponses,
    onInternalError: (err, req) => opts.logger.error({ err, method: req.method, path: req.originalUrl }, 'internal error'),
    // The sessions change only through the store, which counts its writes.
    answers: { generation: () => store.generation(), cacheable: ({ operationId = '' }) => READS.has(operationId) },
  });

  // strict: false, as restify's JSON parser: a JSON `null`, string or number parses (and counts as `{}`).
  // The bytes are kept for the answer key of reads.
  const depthLimit = bodyDepthLimit(config.maxBodyDepth);
  const parseJson = express.json({
    type: ['application/json'],
    limit: config.pip.maxBodyBytes,
    strict: false,
    verify: (req, res, raw) => {
      depthLimit(req as express.Request, res as express.Response, raw);
      rememberRawBody(req, raw);
    },
  });
  // A body the front lane read and the parser refused: the refusal is Express's to answer, at
  // the parser's place in the flow (after the Accept check), as if it had been read there.
  const refusedEarly = new WeakMap<IncomingMessage, unknown>();

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const logRequest = requestLogger(opts.logger, 'pip-sessions');
  app.use(logRequest);
  app.use(pathEncoding);
  app.use(docsRouter({ api: 'pip-sessions', config })); // Swagger UI and the specs, before content negotiation (issue 7)
  const operationIdOf = (req: express.Request) => router.operationIdOf(req.method, req.path);
  opts.admin?.mount(app, 'pip-sessions', operationIdOf);
  app.use(acceptable);
  app.use((req, res, next) => {
    // A body the front lane read is parsed already (the parser passes a finished request by).
    if (refusedEarly.has(req)) next(refusedEarly.get(req));
    else parseJson(req, res, next);
  });
  app.use(argumentsOrEmptyObject);
  app.use(trailingSlashIsAnotherPath);
  app.use(ignoreUnknownQuery(router.operationIdOf, queryRules(definition)));
  if (opts.admin) {
    // An ErrorDescription with the injected status (pip's categories know no 503 of their own).
    const renderInjected = (status: number, detail: string, req: express.Request) => {
      const rendered = renderPipError(injectedError(status, detail), req);
      return { status, body: { ...(rendered.body as object), status, message: detail } };
    };
    app.use(
      await opts.admin.intercept(
        { api: 'pip-sessions', operationIdOf, renderInjected, serialize: (body) => JSON.stringify(body) },
        'pip-sessions',
      ),
    );
  }
  app.use(router.handle);
  app.use(router.handleError);

  // The front lane (src/http/answers.ts): a read command whose answer is kept for these sessions
  // is sent before Express once its body is read; anything else, and the admin API's journal and
  // fault rules, go through Express.
  const reads = readPaths(definition);
  const listener: Listener = (req, res) => {
    const url = req.url ?? '';
    if (opts.admin || req.method !== 'POST' || !reads.has(url) || !PLAIN_ACCEPT.has(req.headers.accept) || !isPlainRequest(req, 'json')) {
      app(req, res);
      return;
    }
    parseJson(req, res, (err?: unknown) => {
      if (err !== undefined) refusedEarly.set(req, err);
      else {
        const key = requestAnswerKey(req, 'POST', url);
        const kept = key === undefined ? undefined : router.keptAnswer(req, key);
        if (kept) {
          logRequest(req, res, () => writeResult(res, kept.result, kept.bytes));
          return;
        }
      }
      app(req, res);
    });
  };
  return { app, listener, model };
}
