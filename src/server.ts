/**
 * Listens: builds the apps with `createApp` and serves each twin on its own
 * port. Shuts down cleanly on SIGTERM/SIGINT, letting in-flight requests end.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type Stores } from './app.js';
import type { Config } from './config.js';
import { createLogger, type Logger } from './log.js';
import { openStores } from './store/open.js';

export interface RunningServer {
  urls: { maxscale: string };
  close: () => Promise<void>;
  logger: Logger;
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

export async function startServer(config: Config, stores?: Stores): Promise<RunningServer> {
  const logger = createLogger(config);
  const opened = stores ?? openStores(config);
  const apps = await createApp(config, opened, logger);
  const maxscale = await listen(apps.maxscale, config.maxscalePort, config.host);
  const urls = { maxscale: urlOf(maxscale, config.host) };
  const close = async () => {
    await new Promise<void>((resolve) => maxscale.close(() => resolve()));
    opened.maxscale.close();
  };
  return { urls, close, logger };
}
