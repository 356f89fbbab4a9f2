import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino } from 'pino';
import type { Config } from './config.js';

type LogFn = {
  (fields: object, message?: string): void;
  (message: string): void;
};

/** What the twins log with: a pino logger, or the silent one (which pino's own type also satisfies). */
export interface Logger {
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>, options?: { level?: string }): Logger;
}

const quiet: LogFn = () => {};
/**
 * `--log-level silent` logs nothing, so it does without pino: the build loads pino at its first
 * use (scripts/bundle.mjs), and loading it (sonic-boom, thread-stream, node:assert, node:worker_threads)
 * was a tenth of a silent twin's start.
 */
const SILENT: Logger = { info: quiet, warn: quiet, error: quiet, child: () => SILENT };

/**
 * JSON lines on stdout. Lines are gathered and written a few kilobytes at a time
 * (and at least every LOG_FLUSH_MS, and at exit) rather than one write(2) per
 * line: under load the per-request write was an eighth of a request's CPU in
 * issue 13's profile.
 */
export const LOG_FLUSH_MS = 100;

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  if (config.logLevel === 'silent') return SILENT;
  return pino(
    { level: config.logLevel, base: undefined },
    pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: LOG_FLUSH_MS }),
  );
}

/** The path as the client sent it: Express strips a mount point (`/v1`) from `req.url` while routing. */
function pathOf(req: IncomingMessage): string {
  return (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '';
}

export type RequestLogger = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/**
 * One structured line per request when it ends: `req` {id, method, path}, `res` {status},
 * `responseTime` in ms and a message; the request id (the client's X-Request-Id, or a new
 * one) is echoed as X-Request-Id. A request the client abandons is logged as aborted.
 * (pino-http wrote the same line, but built a child logger and serialised the whole
 * request for every request: an eighth of a GET's CPU in issue 13's profile.)
 */
export function requestLogger(logger: Logger, api: string): RequestLogger {
  const log = logger.child({ api });
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && given.length > 0 && given.length <= 200 ? given : randomUUID();
    res.setHeader('X-Request-Id', id);
    const start = process.hrtime.bigint();
    const method = req.method ?? '';
    const path = pathOf(req);
    res.once('close', () => {
      const responseTime = Math.round(Number(process.hrtime.bigint() - start) / 1e6);
      const line = { req: { id, method, path }, res: { status: res.statusCode }, responseTime };
      if (!res.writableFinished) log.warn(line, `${method} ${path} aborted by the client`);
      else if (res.statusCode >= 500) log.error(line, `${method} ${path} ${res.statusCode} ${responseTime}ms`);
      else log.info(line, `${method} ${path} ${res.statusCode} ${responseTime}ms`);
    });
    next();
  };
}
