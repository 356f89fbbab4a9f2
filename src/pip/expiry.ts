/**
 * The expiry timer: every `cleanupIntervalMs` it closes the sessions idle for
 * longer than the expire timeout, as the real service's FixedRateTimer does
 * (`options.cleanup_interval`, 15 minutes; `options.expire_timeout`, 24
 * hours). `src/server.ts` starts it; `createApp` does not, so tests run
 * without timers.
 */
import type { Logger } from '../log.js';
import type { SessionsModel } from './model.js';

export interface ExpiryTimer {
  stop(): void;
}

export function startExpiryTimer(model: SessionsModel, cleanupIntervalMs: number, logger: Logger): ExpiryTimer {
  if (cleanupIntervalMs <= 0) return { stop: () => {} };
  const timer = setInterval(() => {
    try {
      const closed = model.closeExpiredSessions();
      if (closed > 0) logger.info({ api: 'pip-sessions', closed }, `closed ${closed} expired sessions`);
    } catch (err) {
      logger.error({ api: 'pip-sessions', err }, 'closing expired sessions failed');
    }
  }, cleanupIntervalMs);
  // The timer alone must not keep the process alive.
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
