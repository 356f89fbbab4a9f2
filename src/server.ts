/**
 * Listens: builds the apps with `createApp` and serves each twin on its own
 * port. Shuts down cleanly on SIGTERM/SIGINT, letting in-flight requests end.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Apps, createApp, type Stores } from './app.js';
import { type Config, setListeningPorts } from './config.js';
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

function listen(app: import('express').Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
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
  const maxscale = await listen(apps.maxscale, config.maxscalePort, config.host);
  const pip = await listen(apps.pip, config.pipPort, config.host).catch(async (err: unknown) => {
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
