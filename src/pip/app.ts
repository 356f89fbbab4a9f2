/**
 * The pip-sessions twin as an Express app (it does not listen).
 *
 * Request flow: request log → Accept check (406, as restify's acceptParser)
 * → JSON body parser (an empty body is `{}`) → the spec router, which serves
 * `/v1/sessions/<command>`, `/sessions/<command>`, `/heartbeat` and `/status`
 * → openapi-backend routing (404 ResourceNotFound, 405 MethodNotAllowed) and
 * validation (400 INVALID_DATA in Pip.Services' wording) → handler → response
 * validation → one writer. Every error is an ErrorDescription.
 */
import { hostname } from 'node:os';
import express from 'express';
import type { AdminTools } from '../admin/app.js';
import { injectedError } from '../admin/intercept.js';
import type { Config } from '../config.js';
import { docsRouter } from '../docs/router.js';
import { ApiError, Errors } from '../errors.js';
import { createOpenApiRouter, type RawHandler } from '../http/openapi-router.js';
import { type Logger, requestLogger } from '../log.js';
import { loadSpec } from '../spec/load.js';
import { ANONYMOUS, type PipAuth, type PipContext, type ServiceInfo } from './context.js';
import { invalidData, renderPipError, validationResultsFromAjv } from './errors.js';
import { handlers } from './handlers.js';
import { SessionsModel } from './model.js';
import type { SessionsStore } from './store.js';

/** The media types restify's formatters produce; an Accept header that allows none of them is a 406. */
export const ACCEPTABLE = ['application/json', 'text/plain', 'application/octet-stream', 'application/javascript'] as const;

/** Larger session data is refused with 413. */
export const BODY_LIMIT = '1mb';

function componentsOf(store: SessionsStore): string[] {
  return [
    'pip-services:context-info:default:default:1.0',
    `pip-services-sessions:persistence:${store.kind}:default:1.0`,
    'pip-services-sessions:controller:default:default:1.0',
    'pip-services:endpoint:http:default:1.0',
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

/** "An empty body counts as {}" (the real service's commands read their arguments from an empty map). */
function emptyBodyIsEmptyObject(req: express.Request, _res: express.Response, next: express.NextFunction): void {
  if (req.body === undefined) req.body = {};
  next();
}

export interface PipApp {
  app: express.Express;
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

  const router = await createOpenApiRouter<PipContext, PipAuth>({
    definition: await loadSpec('pip-sessions'),
    handlers: handlers as unknown as Record<string, RawHandler<PipContext, PipAuth>>,
    context: () => context,
    authenticate: () => ANONYMOUS,
    renderError: renderPipError,
    validationError: (errors, body) => invalidData(validationResultsFromAjv(errors, body)),
    serialize: (body) => JSON.stringify(body),
    bodyMediaTypes: ['application/json'],
    validateResponses: config.validateResponses,
    onInternalError: (err, req) => opts.logger.error({ err, method: req.method, path: req.originalUrl }, 'internal error'),
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestLogger(opts.logger, 'pip-sessions'));
  app.use(docsRouter({ api: 'pip-sessions', config })); // Swagger UI and the specs, before content negotiation (issue 7)
  const operationIdOf = (req: express.Request) => router.operationIdOf(req.method, req.path);
  opts.admin?.mount(app, 'pip-sessions', operationIdOf);
  app.use(acceptable);
  app.use(express.json({ type: ['application/json'], limit: BODY_LIMIT, strict: true }));
  app.use(emptyBodyIsEmptyObject);
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
  return { app, model };
}
