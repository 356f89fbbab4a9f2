/**
 * Request-level guards shared by both twins, run before a request reaches
 * the spec router. Each refuses what no operation could handle with an
 * ApiError, which the twin's error middleware renders in the API's own error
 * document; none of them changes state.
 *
 * - `pathEncoding`: a path that is not valid percent-encoding (RFC 3986 §2.1,
 *   decoded as UTF-8) is a 400, for every path, docs routes included.
 * - `bodyDepthLimit`: a JSON body nested deeper than the configured limit is
 *   a 400, checked on the raw bytes before anything is parsed or stored.
 * - `headAsGet`: HEAD runs the GET of the same resource; Node's HTTP server
 *   sends its headers (Content-Length included) without the body (RFC 9110 §9.3.2).
 * - `ignoreUnknownQuery`: query parameters the operation does not declare are
 *   dropped, and a repeated one keeps its first value, as MaxScale (through
 *   libmicrohttpd's lookup) and the pip service read their queries.
 * - `refuseProtoKeys`: a `__proto__` member in a request body is refused as
 *   an unknown parameter (a JavaScript object could not keep it as one).
 */
import type express from 'express';
import type { OpenAPIV3 } from 'openapi-types';
import { ApiError, Errors } from '../errors.js';

/** The deepest nesting `--max-body-depth` may allow: every store operation is tested at this depth. */
export const MAX_BODY_DEPTH_CEILING = 1000;

/** The default nesting limit of request bodies: far above any real document (MaxScale's are 5 deep). */
export const DEFAULT_MAX_BODY_DEPTH = 128;

/** True when every `%` of `path` starts a valid escape and the escapes decode as UTF-8. */
export function isValidPercentEncoding(path: string): boolean {
  if (!path.includes('%')) return true;
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/** 400 for a path that is not valid percent-encoding (the routers would otherwise throw a URIError). */
export function pathEncoding(req: express.Request, _res: express.Response, next: express.NextFunction): void {
  const at = req.url.indexOf('?');
  const path = at < 0 ? req.url : req.url.slice(0, at);
  if (isValidPercentEncoding(path)) {
    next();
    return;
  }
  next(
    ApiError.from(Errors.BAD_REQUEST, 'The request path is not valid percent-encoding (RFC 3986 §2.1, UTF-8)', {
      source: { parameter: 'path' },
    }),
  );
}

/**
 * The nesting depth of a JSON text, read from its bytes (brackets inside
 * strings do not count), stopping as soon as it passes `limit`.
 */
export function jsonDepthExceeds(raw: Buffer, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}

/** A body-parser `verify` hook: refuses a body nested deeper than `limit` before it is parsed. */
export function bodyDepthLimit(limit: number): (req: express.Request, res: express.Response, raw: Buffer) => void {
  return (_req, _res, raw) => {
    if (jsonDepthExceeds(raw, limit)) {
      throw ApiError.from(Errors.BAD_REQUEST, `The request body is nested deeper than ${limit} levels`, { source: { pointer: '/' } });
    }
  };
}

/** HEAD is answered as the GET of the same resource, without the body (Node drops it for a HEAD request). */
export function headAsGet(req: express.Request, _res: express.Response, next: express.NextFunction): void {
  if (req.method === 'HEAD') req.method = 'GET';
  next();
}

/** The JSON pointer of the first `__proto__` member of a parsed body, if any. */
export function protoKeyAt(value: unknown, pointer = ''): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = protoKeyAt(value[i], `${pointer}/${i}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (key === '__proto__') return `${pointer}/__proto__`;
    const found = protoKeyAt((value as Record<string, unknown>)[key], `${pointer}/${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Refuses a body with a `__proto__` member as an unknown parameter (403, as
 * MaxScale refuses unknown parameters): stored objects could not keep it.
 * Run just before the handler, so credentials, routing and the schema are
 * judged first, as for any other unknown parameter.
 */
export function refuseProtoKeys(body: unknown): void {
  const pointer = protoKeyAt(body);
  if (pointer !== undefined) throw ApiError.from(Errors.FORBIDDEN, `Unknown parameter '__proto__' at ${pointer}`, { source: { pointer } });
}

/** What an operation reads from its query: the names it declares, and whether it takes any other key. */
export interface QueryRule {
  names: ReadonlySet<string>;
  /** A free-form parameter takes every other key (module command arguments). */
  freeForm: boolean;
}

/** The query rule of every operation of a spec, by operationId. */
export function queryRules(doc: OpenAPIV3.Document): Map<string, QueryRule> {
  const deref = <T>(v: T | OpenAPIV3.ReferenceObject): T => {
    let node: unknown = v;
    while (node && typeof node === 'object' && '$ref' in node) {
      node = (node as OpenAPIV3.ReferenceObject).$ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], doc);
    }
    return node as T;
  };
  const rules = new Map<string, QueryRule>();
  for (const item of Object.values(doc.paths ?? {})) {
    if (!item) continue;
    for (const method of ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const) {
      const op = item[method];
      if (!op?.operationId) continue;
      const query = [...(item.parameters ?? []), ...(op.parameters ?? [])]
        .map((p) => deref<OpenAPIV3.ParameterObject>(p))
        .filter((p) => p.in === 'query');
      const freeForm = query.some((p) => p.schema && deref<OpenAPIV3.SchemaObject>(p.schema).type === 'object');
      const names = query.filter((p) => !p.schema || deref<OpenAPIV3.SchemaObject>(p.schema).type !== 'object').map((p) => p.name);
      rules.set(op.operationId, { names: new Set(names), freeForm });
    }
  }
  return rules;
}

function leniently(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/**
 * Drops the query parameters an operation does not declare and keeps the
 * first of a repeated one, so that validation judges only what the real
 * service would read. `operationOf` routes a method and path (undefined for
 * no operation: the query is then left alone, the request is refused anyway).
 * `keepRepeated`: a repeated parameter keeps every value (a generic twin reads
 * `?tag=a&tag=b` as the array an exploded form parameter is).
 */
export function ignoreUnknownQuery(
  operationOf: (method: string, path: string) => string | undefined,
  rules: ReadonlyMap<string, QueryRule>,
  opts: { keepRepeated?: boolean } = {},
): express.RequestHandler {
  return (req, _res, next) => {
    const at = req.url.indexOf('?');
    if (at < 0) {
      next();
      return;
    }
    const operationId = operationOf(req.method, req.path);
    const rule = operationId === undefined ? undefined : rules.get(operationId);
    if (rule === undefined) {
      next();
      return;
    }
    const seen = new Set<string>();
    const kept = req.url
      .slice(at + 1)
      .split('&')
      .filter((token) => {
        const name = leniently(token.split('=')[0] ?? '');
        if (!rule.names.has(name)) return rule.freeForm;
        if (seen.has(name)) return opts.keepRepeated === true;
        seen.add(name);
        return true;
      });
    const query = kept.length ? `?${kept.join('&')}` : '';
    // Both: Express routes on `url`, and the spec router reads the query from `originalUrl`.
    req.url = `${req.url.slice(0, at)}${query}`;
    const original = req.originalUrl.indexOf('?');
    if (original >= 0) req.originalUrl = `${req.originalUrl.slice(0, original)}${query}`;
    next();
  };
}
