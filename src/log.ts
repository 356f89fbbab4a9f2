import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Logger, pino } from 'pino';
import { type HttpLogger, pinoHttp } from 'pino-http';
import type { Config } from './config.js';

export type { Logger };

/**
 * JSON lines on stdout. Lines are gathered and written a few kilobytes at a time
 * (and at least every LOG_FLUSH_MS, and at exit) rather than one write(2) per
 * line: under load the per-request write was an eighth of a request's CPU in
 * issue 13's profile.
 */
export const LOG_FLUSH_MS = 100;

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  if (config.logLevel === 'silent') return pino({ level: 'silent', base: undefined });
  return pino(
    { level: config.logLevel, base: undefined },
    pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: LOG_FLUSH_MS }),
  );
}

/** The path as the client sent it: Express strips a mount point (`/v1`) from `req.url` while routing. */
function pathOf(req: IncomingMessage): string | undefined {
  return (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url;
}

/** One structured line per request: method, path, status, time and a request id (echoed as X-Request-Id). */
export function requestLogger(logger: Logger, api: string): HttpLogger {
  return pinoHttp({
    logger: logger.child({ api }),
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && given.length > 0 && given.length <= 200 ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
    },
    customSuccessMessage: (req, res, time) => `${req.method} ${pathOf(req)} ${res.statusCode} ${Math.round(time)}ms`,
    customErrorMessage: (req, res) => `${req.method} ${pathOf(req)} ${res.statusCode}`,
  });
}
