/**
 * The spec-driven fuzzer: requests generated with fast-check from both specs
 * (every operation; valid and broken paths, queries, headers and bodies),
 * sent over HTTP to both twins built by `createApp`, in-process, one at a
 * time. For every response it asserts:
 *
 * - no 5xx;
 * - the response conforms to the spec (`src/spec/conformance.ts`); a request
 *   that addresses no operation (an unknown path or method, a path that is
 *   not valid percent-encoding) must get a 4xx with a JSON error body;
 * - after a 4xx the twin's whole state is what it was before (full snapshots
 *   of the store compared);
 * and at the end that both twins still answer their health requests.
 */

/**
 * The spec-driven fuzzer: requests generated with fast-check from both specs
 * (every operation; valid and broken paths, queries, headers and bodies),
 * sent over HTTP to both twins built by `createApp`, in-process, one at a
 * time. For every response it asserts:
 *
 * - no 5xx;
 * - the response conforms to the spec (`src/spec/conformance.ts`); a request
 *   that addresses no operation (an unknown path or method, a path that is
 *   not valid percent-encoding) must get a 4xx with a JSON error body;
 * - after a 4xx the twin's whole state is what it was before (full snapshots
 *   of the store compared);
 * and at the end that both twins still answer their health requests.
 */
import http, { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { OpenAPIV3 } from 'openapi-types';
import { type Apps, createApp } from '../app.js';
import { testConfig } from '../config.js';
import type { Listener } from '../http/answers.js';
import { COLLECTIONS } from '../maxscale/records.js';
import { initialState } from '../maxscale/state.js';
import { type ConformanceChecker, createConformanceChecker } from '../spec/conformance.js';
import { loadSpec, type ApiName as SpecName } from '../spec/load.js';
import { anyJson, arbitraryOf, mutate, mutation, resolver } from './arbitrary.js';

/** The two twins the fuzzer drives (the admin API is a tool of ours, off by default). */
type ApiName = Extract<SpecName, 'maxscale' | 'pip-sessions'>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

interface Operation {
  api: ApiName;
  operationId: string;
  method: string;
  path: string;
  pathParams: OpenAPIV3.ParameterObject[];
  queryParams: OpenAPIV3.ParameterObject[];
  body: OpenAPIV3.SchemaObject | OpenAPIV3.ReferenceObject | undefined;
}

export interface FuzzRequest {
  api: ApiName;
  operationId: string;
  /** What the generator meant to send (valid, or how it is broken), for the report. */
  kind: string;
  method: string;
  /** The raw request target, sent byte for byte. */
  target: string;
  headers: Record<string, string>;
  body: { text: string; encoding: 'identity' | 'gzip' | 'broken-gzip' | 'broken-br' | 'compress' } | undefined;
}

export interface FuzzFailure {
  index: number;
  request: FuzzRequest;
  status: number;
  problem: string;
}

export interface FuzzReport {
  seed: number;
  requests: number;
  byApi: Record<string, number>;
  byStatus: Record<string, number>;
  byKind: Record<string, number>;
  operations: number;
  fewestPerOperation: number;
  failures: FuzzFailure[];
  healthy: boolean;
}

function operationsOf(api: ApiName, doc: OpenAPIV3.Document): Operation[] {
  const resolve = resolver(doc);
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    if (!item) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!op?.operationId) continue;
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p) => resolve<OpenAPIV3.ParameterObject>(p));
      const body = op.requestBody ? resolve<OpenAPIV3.RequestBodyObject>(op.requestBody).content['application/json']?.schema : undefined;
      out.push({
        api,
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path'),
        queryParams: params.filter((p) => p.in === 'query'),
        body,
      });
    }
  }
  return out;
}

/** Path segments a careless or hostile client sends, raw (not encoded again). */
const ODD_SEGMENTS = ['%E0%A4%A', '%', '%zz', '%00', '%2F', 'a%2Fb', '..', '.', '%2e%2e', 'a%20b', '%C0%AF', 'x'.repeat(600), '__proto__'];

const ADMIN = `Basic ${Buffer.from('admin:mariadb').toString('base64')}`;

/** The names of the MaxScale twin's initial objects, the modules' commands, and a few the fuzzer creates. */
function maxscaleNames(apps: Apps): string[] {
  const model = apps.maxscaleModel;
  const names = new Set<string>(['fuzz-a', 'fuzz-b', 'servers', 'services', 'monitors', 'filters', 'inet', 'unix', '0', '1']);
  for (const c of [model.servers, model.services, model.monitors, model.filters, model.listeners]) {
    for (const r of c.list()) names.add((r as { name: string }).name);
  }
  for (const u of model.users.list()) names.add(u.name);
  for (const m of ['mariadbmon', 'dbfwfilter', 'readwritesplit', 'qlafilter']) names.add(m);
  for (const c of ['switchover', 'failover', 'rejoin', 'reset-replication', 'rules', 'json', 'reload']) names.add(c);
  return [...names];
}

function requestArbitrary(op: Operation, doc: OpenAPIV3.Document, names: string[]): fc.Arbitrary<FuzzRequest> {
  const maxscale = op.api === 'maxscale';
  const known = fc.constantFrom(...names);
  const hintedStrings = (name: string | undefined): fc.Arbitrary<string> | undefined => {
    if (!maxscale && (name === 'session_id' || name === 'id')) return fc.nat(40).map((n) => `@@session:${n}`);
    if (!maxscale && name === 'user_id') return fc.constantFrom('1', '2', '3');
    if (maxscale && (name === 'id' || name === 'router' || name === 'module')) return known;
    return undefined;
  };
  const segment = fc.oneof(
    { arbitrary: known.map(encodeURIComponent), weight: 6 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 16 }).map(encodeURIComponent), weight: 2 },
    { arbitrary: fc.constantFrom(...ODD_SEGMENTS), weight: 1 },
  );
  const pathArb = fc
    .tuple(
      fc.tuple(...(op.pathParams.length ? op.pathParams.map(() => segment) : [fc.constant('')])),
      maxscale ? fc.constantFrom('/v1', '/v1', '') : fc.constant(''),
      fc.oneof({ arbitrary: fc.constant(''), weight: 12 }, { arbitrary: fc.constant('/'), weight: 1 }),
    )
    .map(([values, prefix, trailing]) => {
      let i = 0;
      const path = op.path.replace(/\{[^}]+\}/g, () => values[i++] ?? '');
      return `${prefix}${path}${trailing}`;
    });
  const queryValue = (p: OpenAPIV3.ParameterObject): fc.Arbitrary<string | undefined> => {
    const schema = p.schema ? resolver(doc)<OpenAPIV3.SchemaObject>(p.schema) : undefined;
    if (schema?.type === 'object') {
      // Free-form (module command arguments): the query string's keys, in order.
      return fc.array(known.map(encodeURIComponent), { maxLength: 3 }).map((keys) => (keys.length ? keys.join('&') : undefined));
    }
    const value = fc.oneof(
      { arbitrary: arbitraryOf(doc, p.schema).map((v) => encodeURIComponent(String(v))), weight: 4 },
      { arbitrary: fc.constantFrom('', '%E0%A4%A', '%', 'SELECT%201', 'x'.repeat(300)), weight: 1 },
    );
    return fc.option(
      value.map((v) => `${encodeURIComponent(p.name)}=${v}`),
      { nil: undefined, freq: 3 },
    );
  };
  const queryArb = fc
    .tuple(
      fc.tuple(...(op.queryParams.length ? op.queryParams.map(queryValue) : [fc.constant(undefined)])),
      fc.option(fc.constantFrom('pretty=false', 'pretty=maybe', '%E0%A4%A', 'a=%', '&&', 'x=1&x=2', '__proto__=1'), {
        nil: undefined,
        freq: 4,
      }),
    )
    .map(([parts, extra]) => [...parts, extra].filter((x): x is string => x !== undefined).join('&'));

  const validBody = op.body ? arbitraryOf(doc, op.body, { strings: hintedStrings }) : fc.constant(undefined);
  const bodyArb: fc.Arbitrary<{ kind: string; text: string } | undefined> = op.body
    ? fc.oneof(
        { arbitrary: validBody.map((v) => ({ kind: 'valid', text: JSON.stringify(v) ?? '' })), weight: 5 },
        {
          arbitrary: fc
            .tuple(validBody, mutation)
            .map(([v, m]) => ({ kind: `mutated:${m.kind}`, text: JSON.stringify(mutate(v, m)) ?? '' })),
          weight: 5,
        },
        {
          arbitrary: fc.tuple(validBody, fc.nat()).map(([v, n]) => {
            const text = JSON.stringify(v) ?? '';
            return { kind: 'truncated', text: text.slice(0, n % Math.max(1, text.length)) };
          }),
          weight: 1,
        },
        { arbitrary: anyJson.map((v) => ({ kind: 'any-json', text: JSON.stringify(v) ?? '' })), weight: 1 },
        { arbitrary: fc.nat({ max: 20_000 }).map((n) => ({ kind: 'deep-text', text: `${'['.repeat(n)}${']'.repeat(n)}` })), weight: 1 },
        { arbitrary: fc.constant(undefined), weight: 1 },
      )
    : fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 12 },
        { arbitrary: anyJson.map((v) => ({ kind: 'unexpected-body', text: JSON.stringify(v) ?? '' })), weight: 1 },
      );

  return fc
    .record({
      path: pathArb,
      query: queryArb,
      method: fc.oneof(
        { arbitrary: fc.constant(op.method), weight: 14 },
        { arbitrary: fc.constant('HEAD'), weight: 1 },
        { arbitrary: fc.constantFrom('GET', 'PUT', 'POST', 'PATCH', 'DELETE', 'OPTIONS'), weight: 1 },
      ),
      body: bodyArb,
      auth: maxscale
        ? fc.oneof(
            { arbitrary: fc.constant(ADMIN), weight: 12 },
            {
              arbitrary: fc.constantFrom(
                undefined,
                `Basic ${Buffer.from('admin:wrong').toString('base64')}`,
                `Basic ${Buffer.from('nobody:mariadb').toString('base64')}`,
                'Basic !!!',
                'Bearer token',
              ),
              weight: 1,
            },
          )
        : fc.constant(undefined),
      contentType: fc.oneof(
        { arbitrary: fc.constant('application/json'), weight: 10 },
        {
          arbitrary: fc.constantFrom(
            'application/vnd.api+json',
            'text/plain',
            'application/json; charset=utf-8',
            'application/json; charset=nope',
            'application/x-www-form-urlencoded',
            undefined,
          ),
          weight: 2,
        },
      ),
      encoding: fc.oneof(
        { arbitrary: fc.constant('identity' as const), weight: 14 },
        { arbitrary: fc.constantFrom('gzip' as const, 'broken-gzip' as const, 'broken-br' as const, 'compress' as const), weight: 2 },
      ),
      accept: fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 10 },
        { arbitrary: fc.constantFrom('*/*', 'application/json', 'text/html', 'application/xml;q=0.9'), weight: 1 },
      ),
      conditional: fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 12 },
        {
          arbitrary: fc.constantFrom<[string, string]>(
            ['If-Match', '"nope"'],
            ['If-Match', '*'],
            ['If-None-Match', '*'],
            ['If-Modified-Since', 'Thu, 01 Jan 2099 00:00:00 GMT'],
            ['If-Unmodified-Since', 'Thu, 01 Jan 1970 00:00:00 GMT'],
            ['If-Unmodified-Since', 'garbage'],
          ),
          weight: 1,
        },
      ),
      override: fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 30 },
        { arbitrary: fc.constantFrom('DELETE', 'PATCH', 'GET', 'delete', 'TRACE'), weight: 1 },
      ),
    })
    .map((r) => {
      const headers: Record<string, string> = {};
      if (r.auth) headers.Authorization = r.auth;
      if (r.accept) headers.Accept = r.accept;
      if (r.conditional) headers[r.conditional[0]] = r.conditional[1];
      if (r.override) headers['X-HTTP-Method-Override'] = r.override;
      if (r.body && r.contentType) headers['Content-Type'] = r.contentType;
      const kinds = [r.body?.kind ?? 'no-body'];
      if (r.method !== op.method) kinds.push(`method:${r.method}`);
      if (r.body && r.encoding !== 'identity') kinds.push(`encoding:${r.encoding}`);
      return {
        api: op.api,
        operationId: op.operationId,
        kind: kinds.join(' '),
        method: r.method,
        target: r.query ? `${r.path}?${r.query}` : r.path,
        headers,
        body: r.body ? { text: r.body.text, encoding: r.encoding } : undefined,
      };
    });
}

function encodeBody(body: NonNullable<FuzzRequest['body']>, text: string): Buffer {
  const raw = Buffer.from(text, 'utf8');
  switch (body.encoding) {
    case 'gzip':
      return gzipSync(raw);
    case 'broken-gzip':
    case 'broken-br':
    case 'compress':
      return raw;
    default:
      return raw;
  }
}

const ENCODING_HEADER: Record<string, string | undefined> = {
  identity: undefined,
  gzip: 'gzip',
  'broken-gzip': 'gzip',
  'broken-br': 'br',
  compress: 'compress',
};

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

function send(origin: { port: number }, agent: http.Agent, req: FuzzRequest, sessions: string[]): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...req.headers };
    let payload: Buffer | undefined;
    if (req.body) {
      // Session ids the pip twin handed out, put where the generator left a placeholder.
      const text = req.body.text.replace(
        /@@session:(\d+)/g,
        (_m, n: string) => sessions[Number(n) % Math.max(1, sessions.length)] ?? 'none',
      );
      payload = encodeBody(req.body, text);
      headers['Content-Length'] = payload.length;
      const encoding = ENCODING_HEADER[req.body.encoding];
      if (encoding) headers['Content-Encoding'] = encoding;
    }
    const r = http.request({ host: '127.0.0.1', port: origin.port, method: req.method, path: req.target, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(payload);
  });
}

function maxscaleSnapshot(apps: Apps): string {
  const store = apps.maxscaleModel.store;
  return JSON.stringify(Object.values(COLLECTIONS).map((c) => store.list(c)));
}

function pipSnapshot(apps: Apps): string {
  const store = apps.pipModel.store;
  return JSON.stringify(store.find({}, 0, undefined).map((s) => store.get(s.id)));
}

function listen(app: Listener): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(app).listen(0, '127.0.0.1');
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** Routing is the checker's slow part, and the fuzzer sends the same method and path many times. */
function memoized(checker: ConformanceChecker): ConformanceChecker {
  const routes = new Map<string, ReturnType<ConformanceChecker['operationOf']>>();
  return {
    ...checker,
    operationOf: (method, path) => {
      const key = `${method} ${path.split('?')[0]}`;
      if (!routes.has(key)) routes.set(key, checker.operationOf(method, path));
      return routes.get(key);
    },
  };
}

/** Checks one exchange; returns what is wrong with it, if anything. */
function judge(req: FuzzRequest, res: Answer, checker: ConformanceChecker): string | undefined {
  if (res.status >= 500) return `answered ${res.status}: ${res.text.slice(0, 300)}`;
  const body = parseJson(res.text);
  const head = req.method === 'HEAD';
  if (head && res.text.length > 0) return 'HEAD answered with a body';
  // MaxScale answers HEAD as the GET of the resource; pip (restify) answers it 405, as no operation.
  const method = head && req.api === 'maxscale' ? 'GET' : req.method;
  // pip (restify) routes a trailing slash as another path: it addresses no operation.
  const trailing = req.api === 'pip-sessions' && /.\/(\?|$)/.test(req.target);
  const operation = trailing ? undefined : checker.operationOf(method, req.target);
  // Outside the spec, judged only by the rules every request obeys (no 5xx, a JSON error document):
  // the method chosen by X-HTTP-Method-Override, and a body sent to an operation that takes none
  // (MaxScale reads any body as JSON, so a broken one is a 400 on every operation).
  const outside = req.headers['X-HTTP-Method-Override'] !== undefined || (req.body !== undefined && !operation?.requestBody);
  if (!operation || outside) {
    if (res.status < 400) return outside ? undefined : `answered ${res.status} to a request that addresses no operation`;
    if (!head && body === undefined) return `${res.status} without a JSON error body: ${res.text.slice(0, 200)}`;
    return undefined;
  }
  const violations = checker
    .check({ method, path: req.target, status: res.status, headers: res.headers, body, text: res.text, operationId: operation.operationId })
    .filter((v) => !(head && v.title === 'Missing response body'));
  if (!violations.length) return undefined;
  return `${violations.map((v) => `[${v.check}] ${v.title}: ${v.message}`).join('\n')}\nbody: ${(JSON.stringify(body) ?? res.text).slice(0, 300)}`;
}

export async function runFuzz(opts: { seed: number; runs: number; resetEvery?: number }): Promise<FuzzReport> {
  const config = testConfig();
  const apps = await createApp(config);
  const servers = { maxscale: await listen(apps.maxscale), 'pip-sessions': await listen(apps.pip) };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const apis: ApiName[] = ['maxscale', 'pip-sessions'];
    const docs = Object.fromEntries(await Promise.all(apis.map(async (a) => [a, await loadSpec(a)] as const))) as Record<
      ApiName,
      OpenAPIV3.Document
    >;
    const checkers = Object.fromEntries(
      await Promise.all(apis.map(async (a) => [a, memoized(await createConformanceChecker(a))] as const)),
    ) as Record<ApiName, ConformanceChecker>;
    const names = maxscaleNames(apps);
    const operations = apis.flatMap((a) => operationsOf(a, docs[a]));
    const arbitrary = fc.constantFrom(...operations).chain((op) => requestArbitrary(op, docs[op.api], names));
    const requests = fc.sample(arbitrary, { seed: opts.seed, numRuns: opts.runs });

    const resetEvery = opts.resetEvery ?? 1000;
    const reset = () => {
      apps.maxscaleModel.load(initialState(config));
      apps.pipModel.reset();
    };
    const snapshot = { maxscale: () => maxscaleSnapshot(apps), 'pip-sessions': () => pipSnapshot(apps) };
    let state = { maxscale: snapshot.maxscale(), 'pip-sessions': snapshot['pip-sessions']() };
    let sessions: string[] = [];
    const report: FuzzReport = {
      seed: opts.seed,
      requests: 0,
      byApi: {},
      byStatus: {},
      byKind: {},
      operations: operations.length,
      fewestPerOperation: 0,
      failures: [],
      healthy: false,
    };
    const perOperation = new Map<string, number>(operations.map((o) => [`${o.api} ${o.operationId}`, 0]));

    for (const [index, req] of requests.entries()) {
      if (index > 0 && index % resetEvery === 0) {
        reset();
        sessions = [];
        state = { maxscale: snapshot.maxscale(), 'pip-sessions': snapshot['pip-sessions']() };
      }
      const port = (servers[req.api].address() as AddressInfo).port;
      let res: Answer;
      try {
        res = await send({ port }, agent, req, sessions);
      } catch (err) {
        report.failures.push({ index, request: req, status: 0, problem: `no answer: ${(err as Error).message}` });
        continue;
      }
      report.requests++;
      report.byApi[req.api] = (report.byApi[req.api] ?? 0) + 1;
      report.byStatus[res.status] = (report.byStatus[res.status] ?? 0) + 1;
      const kind = req.kind.split(' ')[0] ?? 'request';
      report.byKind[kind] = (report.byKind[kind] ?? 0) + 1;
      perOperation.set(`${req.api} ${req.operationId}`, (perOperation.get(`${req.api} ${req.operationId}`) ?? 0) + 1);

      const problem = judge(req, res, checkers[req.api]);
      if (problem) report.failures.push({ index, request: req, status: res.status, problem });
      const after = snapshot[req.api]();
      if (res.status >= 400 && after !== state[req.api]) {
        report.failures.push({ index, request: req, status: res.status, problem: `the state changed after a ${res.status}` });
      }
      state[req.api] = after;
      if (req.api === 'pip-sessions' && res.status === 200) {
        const id = (parseJson(res.text) as { id?: unknown } | undefined)?.id;
        if (typeof id === 'string' && !sessions.includes(id)) sessions.push(id);
      }
    }
    report.fewestPerOperation = Math.min(...perOperation.values());

    const health = await Promise.all([
      send({ port: (servers.maxscale.address() as AddressInfo).port }, agent, health_('maxscale'), []),
      send({ port: (servers['pip-sessions'].address() as AddressInfo).port }, agent, health_('pip-sessions'), []),
    ]);
    report.healthy = health.every((h) => h.status === 200);
    return report;
  } finally {
    agent.destroy();
    await Promise.all(Object.values(servers).map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

function health_(api: ApiName): FuzzRequest {
  return api === 'maxscale'
    ? { api, operationId: 'getRoot', kind: 'health', method: 'GET', target: '/v1/', headers: { Authorization: ADMIN }, body: undefined }
    : { api, operationId: 'getHeartbeat', kind: 'health', method: 'GET', target: '/heartbeat', headers: {}, body: undefined };
}

/** One failure as a curl-like line, to repeat it by hand. */
export function describeFailure(f: FuzzFailure): string {
  const r = f.request;
  const headers = Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`);
  if (r.body && r.body.encoding !== 'identity') headers.push(`Content-Encoding: ${ENCODING_HEADER[r.body.encoding]}`);
  return [
    `#${f.index} ${r.api} ${r.operationId} (${r.kind}) → ${f.status}`,
    `  ${r.method} ${r.target}`,
    ...headers.map((h) => `  ${h}`),
    ...(r.body ? [`  body: ${r.body.text.slice(0, 300)}`] : []),
    `  ${f.problem.split('\n').join('\n  ')}`,
  ].join('\n');
}
