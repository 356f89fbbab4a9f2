/**
 * `apitwin serve --spec FILE_OR_URL`: listens with the generic twin of the
 * spec (app.ts), with the same HTTP timeouts, request log and clean shutdown
 * as the two twins (src/server.ts), and the state from `--data-file` when
 * given (a document `GET /__apitwin/state` wrote).
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config.js';
import { ConfigError } from '../config.js';
import { createLogger, type Logger, requestLogger } from '../log.js';
import { createGenericApp, type GenericApp } from './app.js';
import { loadAnySpec, SpecLoadError } from './load.js';

export interface RunningSpecTwin {
  url: string;
  generic: GenericApp;
  logger: Logger;
  close(): Promise<void>;
}

export async function startSpecTwin(config: Config, logger: Logger = createLogger(config)): Promise<RunningSpecTwin> {
  if (!config.spec) throw new ConfigError('--spec FILE_OR_URL is required');
  let data: unknown;
  if (config.dataFile !== undefined) {
    try {
      data = JSON.parse(readFileSync(config.dataFile, 'utf8'));
    } catch (err) {
      throw new ConfigError(`--data-file ${config.dataFile} is not a readable JSON state document: ${(err as Error).message}`);
    }
  }
  let generic: GenericApp;
  try {
    const loaded = await loadAnySpec(config.spec);
    generic = await createGenericApp(loaded, {
      validateResponses: config.validateResponses,
      corsOrigins: config.corsOrigins,
      maxBodyDepth: config.maxBodyDepth,
      ...(data !== undefined ? { data } : {}),
      onInternalError: (err) => logger.error({ err }, 'internal error'),
    });
  } catch (err) {
    if (err instanceof SpecLoadError) throw new ConfigError(err.message);
    throw err;
  }
  const outer = (await import('express')).default();
  outer.disable('x-powered-by');
  outer.use(requestLogger(logger, generic.model.title));
  outer.use(generic.app);
  const server: Server = await new Promise((resolve, reject) => {
    const s = outer.listen(config.port, config.host, () => resolve(s));
    s.on('error', reject);
  });
  server.headersTimeout = config.http.headersTimeout;
  server.requestTimeout = config.http.requestTimeout;
  server.keepAliveTimeout = config.http.keepAliveTimeout;
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info(
    {
      urls: { api: `${url}${generic.basePath}`, docs: `${url}/docs` },
      spec: config.spec,
      operations: generic.model.operations.length,
      resources: generic.twin.resources.map((r) => r.group.collectionPath),
    },
    `apitwin is serving a twin of "${generic.model.title}"`,
  );
  return {
    url,
    generic,
    logger,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
