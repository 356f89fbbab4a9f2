/**
 * The admin API (openapi/apitwin-admin.yaml), for people testing their own
 * client: one journal, one set of fault rules and both twins' state, for the
 * whole process, served under `/__apitwin` on both ports. Built only with
 * `--admin-api`; each twin app mounts it (`mount`) and puts the fault rules
 * and `Prefer` in front of its operations (`intercept`).
 *
 * Errors are RFC 9457 problem details (`application/problem+json`).
 */
import type { Socket } from 'node:net';
import express from 'express';
import type { Config } from '../config.js';
import { ApiError, Errors } from '../errors.js';
import { createOpenApiRouter, type RawHandler } from '../http/openapi-router.js';
import type { HandlerResult } from '../http/types.js';
import type { Logger } from '../log.js';
import { loadSpec } from '../spec/load.js';
import type { AdminContext, AdminTwins } from './context.js';
import { FaultRules } from './faults.js';
import { handlers } from './handlers.js';
import { interceptMiddleware, type TwinHooks } from './intercept.js';
import { type ApiName, Journal, journalMiddleware } from './journal.js';
import { ADMIN_PREFIX } from './prefix.js';
import { DocumentedResponses } from './responses.js';

const PROBLEM_JSON = 'application/problem+json';

/** An ApiError as an RFC 9457 problem details document. */
export function renderProblem(err: ApiError): HandlerResult {
  const errors = err.details?.errors;
  return {
    status: err.status,
    headers: { 'Content-Type': PROBLEM_JSON },
    body: {
      type: `urn:apitwin:problem:${err.code.toLowerCase().replace(/_/g, '-')}`,
      title: err.title,
      status: err.status,
      detail: err.detail,
      ...(Array.isArray(errors) && errors.length ? { errors: errors.map(String) } : {}),
    },
  };
}

function acceptable(req: express.Request, _res: express.Response, next: express.NextFunction): void {
  if (req.accepts(['application/json', PROBLEM_JSON])) {
    next();
    return;
  }
  next(ApiError.from(Errors.NOT_ACCEPTABLE, 'The admin API answers application/json (and application/problem+json for errors)'));
}

/** The twin-specific parts of `intercept`. */
export type InterceptOptions = Omit<TwinHooks, 'responses'>;

export class AdminTools {
  readonly journal: Journal;
  readonly faults = new FaultRules();
  /** Connections a `stall` rule holds, cut when the server closes. */
  private readonly stalled = new Set<Socket>();
  private twins: AdminTwins | undefined;
  private router: express.Router | undefined;

  constructor(private readonly config: Config) {
    this.journal = new Journal(config.journalSize);
  }

  /** Builds the admin API's router (openapi-backend, strict: every operationId has its handler). */
  async init(logger: Logger): Promise<this> {
    const context: AdminContext = {
      config: this.config,
      journal: this.journal,
      faults: this.faults,
      twins: () => {
        if (!this.twins) throw new Error('the admin API is used before the twins are attached');
        return this.twins;
      },
    };
    const api = await createOpenApiRouter<AdminContext, undefined>({
      definition: await loadSpec('apitwin-admin'),
      handlers: handlers as unknown as Record<string, RawHandler<AdminContext, undefined>>,
      context: () => context,
      authenticate: () => undefined,
      renderError: renderProblem,
      serialize: (body) => JSON.stringify(body),
      bodyMediaTypes: ['application/json'],
      validateResponses: this.config.validateResponses,
      onInternalError: (err, req) => logger.error({ err, method: req.method, path: req.originalUrl }, 'internal error'),
    });
    const router = express.Router();
    router.use(acceptable);
    router.use(express.json({ type: ['application/json'], limit: '10mb', strict: true }));
    router.use(api.handle);
    router.use(api.handleError);
    this.router = router;
    return this;
  }

  attach(twins: AdminTwins): void {
    this.twins = twins;
  }

  /** Mounts the admin API, then the journal (so neither it nor Swagger UI, mounted before, is journaled). */
  mount(app: express.Express, api: ApiName, operationIdOf: (req: express.Request) => string | undefined): void {
    if (!this.router) throw new Error('AdminTools.init() was not awaited');
    app.use(ADMIN_PREFIX, this.router);
    app.use(journalMiddleware(this.journal, api, operationIdOf));
  }

  /** Fault rules and `Prefer`, in front of a twin's operations (after its body parser, before its router). */
  async intercept(hooks: InterceptOptions, spec: Parameters<typeof loadSpec>[0]): Promise<express.RequestHandler> {
    return interceptMiddleware(this.faults, { ...hooks, responses: await DocumentedResponses.load(await loadSpec(spec)) }, this.stalled);
  }

  /** Cuts stalled connections (a stall lasts until the client gives up, or until the server stops). */
  close(): void {
    for (const socket of this.stalled) socket.destroy();
    this.stalled.clear();
  }
}

/** Builds the admin tools when `--admin-api` is on. */
export async function createAdmin(config: Config, logger: Logger): Promise<AdminTools | undefined> {
  return config.adminApi ? new AdminTools(config).init(logger) : undefined;
}
