/**
 * Swagger UI and the specs, served by each twin beside its API (mounted
 * before the API router, outside the spec, without authentication).
 *
 *   GET /docs                      Swagger UI (swagger-ui-dist, served locally), one entry per spec in openapi/
 *   GET /openapi.json|.yaml        the bundled spec of the twin that answers
 *   GET /openapi/<name>.json|.yaml any spec by name, so both are listed from either port
 *
 * Every spec is served with its `servers` pointed at the running twins, so
 * "Try it out" calls them: the twin that answers is reached at the origin the
 * browser used (its Host header), the other one at the same host name on its
 * own port. Calls from one twin's page to the other twin's port are
 * cross-origin, so every response also carries CORS headers (`--cors`: any
 * origin by default, a list of origins, or off), and preflights are answered
 * before the API sees them (MaxScale would refuse a preflight without
 * credentials). The admin API's spec is listed only with `--admin-api`, and
 * points at the port that serves the page.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express from 'express';
import type { OpenAPIV3 } from 'openapi-types';
import { type Config, listeningPort, setListeningPorts } from '../config.js';
import { type ApiName, loadSpec, projectRoot } from '../spec/load.js';

/** The twins, by the port each listens on. */
export type Twin = 'maxscale' | 'pip';

/** Which twin serves each API (only these specs are listed); the admin API is served by both. */
const API_TWIN: Record<ApiName, Twin | 'both'> = { maxscale: 'maxscale', 'pip-sessions': 'pip', 'apitwin-admin': 'both' };

export interface DocsOptions {
  /** The API of the twin this router is mounted in: `/openapi.json` serves it, and Swagger UI opens on it. */
  api: ApiName;
  config: Config;
}

export { setListeningPorts };

const portOf = listeningPort;

/** The specs to list: each openapi/<name>.yaml of a known API, in file-name order (MaxScale first). */
export function discoverApis(dir: string = join(projectRoot(), 'openapi')): ApiName[] {
  const known = Object.keys(API_TWIN) as ApiName[];
  const files = existsSync(dir) ? readdirSync(dir) : [];
  return files
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .filter((name): name is ApiName => (known as string[]).includes(name))
    .sort();
}

/** Where a browser that loaded this page reaches a twin. */
export function twinOrigin(api: Twin | 'both', serving: Twin, req: express.Request, config: Config): string {
  const twin = api === 'both' ? serving : api;
  if (twin === 'maxscale' && config.publicUrl !== undefined) return config.publicUrl;
  if (twin === serving && req.host) return `${req.protocol}://${req.host}`;
  return `${req.protocol}://${req.hostname || 'localhost'}:${portOf(config, twin)}`;
}

/** The spec with each server URL moved to `origin`, keeping its path (MaxScale's `/v1` and `/`). */
export function withServers(doc: OpenAPIV3.Document, origin: string): OpenAPIV3.Document {
  const seen = new Set<string>();
  const servers = (doc.servers?.length ? doc.servers : [{ url: '/' }])
    .map((server) => {
      const path = new URL(server.url, 'http://placeholder').pathname.replace(/\/+$/, '');
      return { ...server, url: `${origin}${path}` };
    })
    // The admin API's two servers (one per port) are one once both point at the page's origin.
    .filter((server) => !seen.has(server.url) && seen.add(server.url));
  return { ...doc, servers };
}

export function swaggerUiDir(): string {
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

export const INDEX_HTML = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>apitwin: API documentation</title>
    <link rel="stylesheet" type="text/css" href="/docs/swagger-ui.css" />
    <link rel="stylesheet" type="text/css" href="/docs/index.css" />
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32" />
    <link rel="icon" type="image/png" href="/docs/favicon-16x16.png" sizes="16x16" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="/docs/swagger-ui-standalone-preset.js" charset="UTF-8"></script>
    <script src="/docs/swagger-initializer.js" charset="UTF-8"></script>
  </body>
</html>
`;

/** The list Swagger UI shows in its top bar: one entry per spec, named by its title. */
async function specList(apis: ApiName[]): Promise<{ url: string; name: string }[]> {
  return Promise.all(
    apis.map(async (api) => {
      const { info } = await loadSpec(api);
      return { url: `/openapi/${api}.json`, name: `${info.title} ${info.version}` };
    }),
  );
}

/** swagger-ui-dist's `swagger-initializer.js`, written for these specs. */
export function initializerScript(urls: { url: string; name: string }[], primaryName: string | undefined): string {
  const settings = {
    urls,
    ...(primaryName === undefined ? {} : { 'urls.primaryName': primaryName }),
    dom_id: '#swagger-ui',
    deepLinking: true,
    layout: 'StandaloneLayout',
    // No call to the public validator badge service: the docs work offline.
    validatorUrl: null,
    displayRequestDuration: true,
    displayOperationId: true,
  };
  return `window.onload = function () {
  window.ui = SwaggerUIBundle(Object.assign(${JSON.stringify(settings, null, 2)}, {
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
  }));
};
`;
}

const ALLOWED_METHODS = 'GET, HEAD, PUT, POST, PATCH, DELETE';

/**
 * CORS on every path, for "Try it out" across the twins' ports and for browser
 * clients under test (Fetch standard): the allowed origins (`*` by default) may
 * call, without cookies; the Authorization header is sent explicitly by the page.
 */
export const cors =
  (origins: readonly string[]) =>
  (req: express.Request, res: express.Response, next: express.NextFunction): void => {
    const origin = req.headers.origin;
    const any = origins.includes('*');
    if (origin === undefined || (!any && !origins.includes(origin))) {
      next();
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', any ? '*' : origin);
    if (!any) res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Expose-Headers', '*');
    const requested = req.headers['access-control-request-method'];
    if (req.method === 'OPTIONS' && requested !== undefined) {
      // A preflight, answered here: the API would ask it for credentials it never carries.
      res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
      // `*` does not cover Authorization, so the requested headers are named back.
      res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] ?? 'Authorization, Content-Type');
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };

export function docsRouter(opts: DocsOptions): express.Router {
  const { config } = opts;
  const serving: Twin = opts.api === 'pip-sessions' ? 'pip' : 'maxscale';
  const apis = discoverApis().filter((api) => api !== 'apitwin-admin' || config.adminApi);
  const router = express.Router();
  if (config.corsOrigins.length) router.use(cors(config.corsOrigins));
  // Every API request passes through here for CORS: leave the router at once unless it is
  // one of the pages below, rather than trying each of their routes in turn.
  router.use((req, _res, next) => next(/^\/(docs|openapi)/.test(req.path) ? undefined : 'router'));

  const sendSpec = async (api: ApiName, format: 'json' | 'yaml', req: express.Request, res: express.Response) => {
    const doc = withServers(await loadSpec(api), twinOrigin(API_TWIN[api], serving, req, config));
    res.setHeader('Cache-Control', 'no-cache');
    if (format === 'json') res.type('application/json').send(JSON.stringify(doc, null, 2));
    else {
      // yaml is loaded by the first request for YAML, not at every start.
      const { stringify } = await import('yaml');
      res.type('application/yaml; charset=utf-8').send(stringify(doc, { aliasDuplicateObjects: false }));
    }
  };

  router.get(['/docs', '/docs/index.html'], (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(INDEX_HTML);
  });
  router.get('/docs/swagger-initializer.js', async (_req, res) => {
    const list = await specList(apis);
    const own = list[apis.indexOf(opts.api)];
    res.setHeader('Cache-Control', 'no-cache');
    res.type('application/javascript').send(initializerScript(list, own?.name));
  });
  router.use('/docs', express.static(swaggerUiDir(), { index: false, redirect: false }));

  router.get('/openapi.json', (req, res) => sendSpec(opts.api, 'json', req, res));
  router.get('/openapi.yaml', (req, res) => sendSpec(opts.api, 'yaml', req, res));
  router.get('/openapi/:file', async (req, res) => {
    const match = /^(.+)\.(json|yaml)$/.exec(req.params.file);
    const api = match?.[1] as ApiName | undefined;
    if (!match || api === undefined || !apis.includes(api)) {
      const known = apis.flatMap((a) => [`/openapi/${a}.json`, `/openapi/${a}.yaml`]);
      res.status(404).json({ error: `No spec at ${req.path}`, specs: known });
      return;
    }
    await sendSpec(api, match[2] as 'json' | 'yaml', req, res);
  });
  return router;
}

/**
 * Swagger UI and the spec of a generic twin (`apitwin serve --spec`): the one
 * spec it serves, at /openapi.json|yaml, with its servers pointed at the page's
 * origin (under the spec's own base path), so "Try it out" calls the twin.
 */
export function specDocsRouter(doc: OpenAPIV3.Document, corsOrigins: readonly string[], prefix = ''): express.Router {
  const router = express.Router();
  if (corsOrigins.length) router.use(cors(corsOrigins));
  const name = `${doc.info?.title ?? 'API'} ${doc.info?.version ?? ''}`.trim();
  const sendSpec = async (format: 'json' | 'yaml', req: express.Request, res: express.Response) => {
    const served = withServers(doc, `${req.protocol}://${req.host || 'localhost'}`);
    res.setHeader('Cache-Control', 'no-cache');
    if (format === 'json') res.type('application/json').send(JSON.stringify(served, null, 2));
    else {
      // yaml is loaded by the first request for YAML, not at every start.
      const { stringify } = await import('yaml');
      res.type('application/yaml; charset=utf-8').send(stringify(served, { aliasDuplicateObjects: false }));
    }
  };
  router.get([`${prefix}/docs`, `${prefix}/docs/index.html`], (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(INDEX_HTML);
  });
  router.get(`${prefix}/docs/swagger-initializer.js`, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('application/javascript').send(initializerScript([{ url: `${prefix}/openapi.json`, name }], name));
  });
  router.use(`${prefix}/docs`, express.static(swaggerUiDir(), { index: false, redirect: false }));
  router.get(`${prefix}/openapi.json`, (req, res) => sendSpec('json', req, res));
  router.get(`${prefix}/openapi.yaml`, (req, res) => sendSpec('yaml', req, res));
  return router;
}
