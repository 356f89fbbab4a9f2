/**
 * The test client: supertest against an app built by createApp(), on no fixed
 * port, where every response is checked against the spec (status documented,
 * Content-Type, body schema, headers). A response that breaks the spec fails
 * the test, so every HTTP test is also a contract test (Backstage's wrapServer).
 */

import request, { type Response } from 'supertest';
import type { Listener } from '../http/answers.js';
import { type ConformanceChecker, createConformanceChecker } from '../spec/conformance.js';
import type { ApiName } from '../spec/load.js';

export interface RequestOptions {
  /** A JSON value (sent as application/json) or a raw string (sent as is). */
  body?: unknown;
  contentType?: string;
  /** Basic credentials; `null` sends none. Defaults to the client's. */
  auth?: [string, string] | null;
  headers?: Record<string, string>;
  /** Skip the spec check (for requests outside the spec, like unknown paths). */
  unchecked?: boolean;
}

export interface TestHttp {
  request(method: string, path: string, opts?: RequestOptions): Promise<Response>;
  get(path: string, opts?: RequestOptions): Promise<Response>;
  post(path: string, body?: unknown, opts?: RequestOptions): Promise<Response>;
  put(path: string, body?: unknown, opts?: RequestOptions): Promise<Response>;
  patch(path: string, body?: unknown, opts?: RequestOptions): Promise<Response>;
  delete(path: string, opts?: RequestOptions): Promise<Response>;
  checker: ConformanceChecker;
}

const checkers = new Map<ApiName, Promise<ConformanceChecker>>();

export async function testHttp(app: Listener, api: ApiName, defaults: { auth?: [string, string] | null } = {}): Promise<TestHttp> {
  let checker = checkers.get(api);
  if (!checker) {
    checker = createConformanceChecker(api);
    checkers.set(api, checker);
  }
  const spec = await checker;
  const defaultAuth =
    defaults.auth === undefined ? (api === 'maxscale' ? (['admin', 'mariadb'] as [string, string]) : null) : defaults.auth;

  const send = async (method: string, path: string, opts: RequestOptions = {}): Promise<Response> => {
    const agent = request(app);
    let req = agent[method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](path);
    const auth = opts.auth === undefined ? defaultAuth : opts.auth;
    if (auth) req = req.auth(auth[0], auth[1]);
    for (const [k, v] of Object.entries(opts.headers ?? {})) req = req.set(k, v);
    if (opts.body !== undefined) {
      const raw = typeof opts.body === 'string';
      req = req.set('Content-Type', opts.contentType ?? 'application/json').send(raw ? (opts.body as string) : JSON.stringify(opts.body));
    } else if (opts.contentType) {
      req = req.set('Content-Type', opts.contentType);
    }
    const res = await req;
    if (!opts.unchecked) {
      let body: unknown;
      try {
        body = res.text ? JSON.parse(res.text) : undefined;
      } catch {
        body = undefined;
      }
      const violations = spec.check({ method, path, status: res.status, headers: res.headers, body, text: res.text ?? '' });
      if (violations.length) {
        throw new Error(`${method} ${path} broke the spec:\n${violations.map((v) => `[${v.check}] ${v.title}\n${v.message}`).join('\n')}`);
      }
    }
    return res;
  };
  return {
    request: send,
    get: (path, opts) => send('GET', path, opts),
    post: (path, body, opts) => send('POST', path, { ...opts, body }),
    put: (path, body, opts) => send('PUT', path, { ...opts, body }),
    patch: (path, body, opts) => send('PATCH', path, { ...opts, body }),
    delete: (path, opts) => send('DELETE', path, opts),
    checker: spec,
  };
}
