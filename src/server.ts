/**
 * Listens: builds the apps with `createApp` and serves each twin on its own
 * port, with explicit HTTP timeouts (`config.http`). Shuts down cleanly on SIGTERM/SIGINT, letting in-flight requests end.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Apps, createApp, type Stores } from './app.js';
import { type Config, setListeningPorts } from './config.js';
import type { Listener } from './http/answers.js';
import { createLogger, type Logger } from './log.js';
import { withMaxscaleConfig } from './maxscale/state.js';
import { startExpiryTimer } from './pip/expiry.js';
import { openStores } from './store/open.js';

export interface RunningServer {
  urls: { maxscale: string; pip: string };
  close: () => Promise<void>;
  logger: Logger;
  /** The config in force (a maxscale.cnf may have set the host and port). */
  config: Config;
  apps: Apps;
}

/**
 * Node's HTTP server with the configured timeouts: a client that is slow to
 * send its headers or its body is answered 408 and cut when its time is up,
 * and an idle keep-alive connection is closed. Node checks the first two
 * every `connectionsCheckingInterval` (30 s by default), so the check runs
 * often enough for the shortest of them.
 */
export function createHttpServer(app: Listener, timeouts: Config['http']): Server {
  const shortest = Math.min(...[timeouts.headersTimeout, timeouts.requestTimeout].filter((t) => t > 0), 4000);
  const server = createServer(
    {
      headersTimeout: timeouts.headersTimeout,
      requestTimeout: timeouts.requestTimeout,
      connectionsCheckingInterval: Math.max(10, Math.floor(shortest / 4)),
    },
    app,
  );
  server.keepAliveTimeout = timeouts.keepAliveTimeout;
  return server;
}

function listen(app: Listener, port: number, host: string, timeouts: Config['http']): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createHttpServer(app, timeouts);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
    server.listen(port, host);
  });
}

function urlOf(server: Server, host: string): string {
  const { port } = server.address() as AddressInfo;
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

/**
 * Stops accepting connections and resolves once every request in flight has
 * been answered. Idle keep-alive connections are closed at once, and busy ones
 * as soon as their response is out (Node would otherwise keep them for
 * keepAliveTimeout); after `graceMs` whatever is left is cut.
 */
export function closeGracefully(server: Server, graceMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    sweep.unref();
    cut.unref();
    server.close((err) => {
      clearInterval(sweep);
      clearTimeout(cut);
      if (err) reject(err);
      else resolve();
    });
    server.closeIdleConnections();
  });
}

export async function startServer(given: Config, stores?: Stores): Promise<RunningServer> {
  // A maxscale.cnf's admin_host/admin_port apply unless --host/--maxscale-port were given; a bad file throws here.
  const config = withMaxscaleConfig(given);
  const logger = createLogger(config);
  const opened = stores ?? openStores(config);
  const apps = await createApp(config, opened, logger);
  const maxscale = await listen(apps.maxscale, config.maxscalePort, config.host, config.http);
  const pip = await listen(apps.pip, config.pipPort, config.host, config.http).catch(async (err: unknown) => {
    await closeGracefully(maxscale);
    throw err;
  });
  const urls = { maxscale: urlOf(maxscale, config.host), pip: urlOf(pip, config.host) };
  setListeningPorts(config, { maxscale: (maxscale.address() as AddressInfo).port, pip: (pip.address() as AddressInfo).port });
  const expiry = startExpiryTimer(apps.pipModel, config.pip.cleanupIntervalMs, logger);
  const close = async () => {
    expiry.stop();
    apps.admin?.close();
    await Promise.all([closeGracefully(maxscale), closeGracefully(pip)]);
    opened.maxscale.close();
    opened.pip.close();
  };
  return { urls, close, logger, config, apps };
}
