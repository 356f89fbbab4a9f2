/**
 * openapi-backend's router with its operations indexed once.
 *
 * openapi-backend's `OpenAPIRouter` rebuilds the list of every operation (lodash
 * `flatMap` over the paths) on each `getOperations()`, `getOperation(id)` and
 * `matchOperation()`, and compiles a RegExp per path template per request: a
 * third of a request's CPU in the profile behind issue 13. `IndexedRouter`
 * computes the same answers from tables built once: the operations by
 * operationId, an exact `method path` map, and the path templates compiled
 * once, ordered by specificity as `matchOperation` orders them.
 */
import { type Operation as BackendOperation, OpenAPIRouter, type ParsedRequest, type Request } from 'openapi-backend';
import type { OpenAPIV3 } from 'openapi-types';

/** An operation as openapi-backend hands it out: the spec's operation plus its path and method. */
export type Operation = BackendOperation<OpenAPIV3.Document>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
/** The order methods are listed in an Allow header. */
const ALLOW_ORDER = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

interface Template {
  pattern: RegExp;
  operation: Operation;
  /** Set where another template of the same method has the same shape: whether this one's path parameters take the path's values. */
  accepts?: (relative: string) => boolean;
}

/**
 * Whether a path's values fit a template's path parameters by their type, enum and pattern: what
 * tells apart `/collection/{id}` (an integer) and `/collection/{slug}` (The Noun Project), two
 * templates OpenAPI calls identical that real documents still have.
 */
function paramsAccept(path: string, parameters: Operation['parameters']): (relative: string) => boolean {
  const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '');
  const capture = new RegExp(
    `^${path
      .split(/\{[^}]+\}/)
      .map(escapeRegExp)
      .join('([^/]+)')}$`,
  );
  const schemaOf = (name: string) =>
    ((parameters ?? []) as OpenAPIV3.ParameterObject[]).find((p) => p.in === 'path' && p.name === name)?.schema as
      | OpenAPIV3.SchemaObject
      | undefined;
  const fits = (value: string, schema: OpenAPIV3.SchemaObject | undefined): boolean => {
    if (!schema) return true;
    if (schema.type === 'integer' && !/^-?\d+$/.test(value)) return false;
    if (schema.type === 'number' && !Number.isFinite(Number(value))) return false;
    if (schema.type === 'boolean' && value !== 'true' && value !== 'false') return false;
    if (schema.enum && !schema.enum.map(String).includes(value)) return false;
    try {
      if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) return false;
    } catch {
      // A pattern JavaScript cannot read says nothing here.
    }
    return true;
  };
  return (relative) => {
    const m = capture.exec(relative);
    if (!m) return false;
    return names.every((name, i) => {
      let value = m[i + 1] ?? '';
      try {
        value = decodeURIComponent(value);
      } catch {
        // Kept as sent.
      }
      return fits(value, schemaOf(name));
    });
  };
}

/** Where a method and path lead: an operation, or (none found) whether any operation has that path. */
export interface Route {
  operation: Operation | undefined;
  /** The path matches some operation (a missing `operation` is then a 405, else a 404). */
  pathKnown: boolean;
}

function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `/servers/{name}` → `^/servers/[^/]+$`, as openapi-backend's `pathTemplateToPattern`. */
function templatePattern(path: string): RegExp {
  return new RegExp(
    `^${path
      .replace(/\{[^}]+\}/g, '\0')
      .split('\0')
      .map(escapeRegExp)
      .join('[^/]+')}$`,
  );
}

/** The parameters an operation declares in one place (`query`, `path`), and the type their schema says. */
function parametersIn(operation: Operation | undefined, where: 'query' | 'path'): OpenAPIV3.ParameterObject[] {
  return ((operation?.parameters ?? []) as OpenAPIV3.ParameterObject[]).filter((p) => p.in === where);
}
const schemaType = (p: OpenAPIV3.ParameterObject): unknown => (p.schema as OpenAPIV3.SchemaObject | undefined)?.type;

/**
 * Query parameters whose declared name has brackets (`seasons[]`, balldontlie.io) kept under that
 * name: openapi-backend reads the query with qs, which makes `seasons[]=2018` a `seasons` array
 * that no parameter declares.
 */
function withBracketedNames(parsed: ParsedRequest, req: Request, operation: Operation | undefined): ParsedRequest {
  const names = parametersIn(operation, 'query')
    .filter((p) => typeof p.name === 'string' && p.name.includes('['))
    .map((p) => p.name);
  if (names.length === 0) return parsed;
  const raw = typeof req.query === 'string' ? req.query : (req.path.split('?')[1] ?? '');
  const search = new URLSearchParams(raw.replace(/^\?/, ''));
  const query: Record<string, unknown> = { ...(parsed.query as Record<string, unknown>) };
  for (const name of names) {
    const values = search.getAll(name);
    if (values.length === 0) continue;
    delete query[name.slice(0, name.indexOf('['))];
    query[name] = values.length === 1 ? values[0] : values;
  }
  return { ...parsed, query };
}

/**
 * An object query parameter in form style, exploded (OpenAPI's default), is sent as its members:
 * `?name=x&labels.env=prod` for microcks's `queryMap`. openapi-backend looks for the parameter's
 * own name, so the members no other parameter declares are gathered under it.
 */
function withExplodedObjects(parsed: ParsedRequest, operation: Operation | undefined): ParsedRequest {
  const query = parametersIn(operation, 'query');
  const objects = query.filter(
    (p) => schemaType(p) === 'object' && (p.style ?? 'form') === 'form' && p.explode !== false && p.content === undefined,
  );
  const given = parsed.query as Record<string, unknown>;
  if (objects.length === 0 || objects.some((p) => given[p.name] !== undefined)) return parsed;
  const declared = new Set(query.map((p) => p.name));
  const members = Object.entries(given).filter(([name]) => !declared.has(name));
  if (members.length === 0) return parsed;
  const rest = Object.fromEntries(Object.entries(given).filter(([name]) => declared.has(name)));
  // Several such parameters: each takes the members its properties name, the first the rest.
  const out: Record<string, unknown> = { ...rest };
  const taken = new Set<string>();
  for (const p of objects.slice(1)) {
    const props = Object.keys((p.schema as OpenAPIV3.SchemaObject).properties ?? {});
    const mine = members.filter(([name]) => props.includes(name));
    for (const [name] of mine) taken.add(name);
    if (mine.length) out[p.name] = Object.fromEntries(mine);
  }
  const first = objects[0];
  const left = members.filter(([name]) => !taken.has(name));
  if (first && left.length) out[first.name] = Object.fromEntries(left);
  return { ...parsed, query: out };
}

/**
 * A query parameter that says `explode: false` but is not an array is one value: openapi-backend
 * splits every such parameter at its commas (Rudder's `format=csv`, a string, came out `['csv']`).
 */
function withUnsplitScalars(parsed: ParsedRequest, operation: Operation | undefined): ParsedRequest {
  const scalars = parametersIn(operation, 'query').filter(
    (p) => p.explode === false && schemaType(p) !== 'array' && schemaType(p) !== 'object',
  );
  const given = parsed.query as Record<string, unknown>;
  if (!scalars.some((p) => Array.isArray(given[p.name]))) return parsed;
  const query = { ...given };
  for (const p of scalars) {
    const value = query[p.name];
    if (Array.isArray(value)) query[p.name] = value.join(',');
  }
  return { ...parsed, query };
}

/** A path parameter that is an array is its comma-separated items (style `simple`, TfL's `/Line/Mode/{modes}`). */
function withPathArrays(parsed: ParsedRequest, operation: Operation | undefined): ParsedRequest {
  const arrays = parametersIn(operation, 'path').filter((p) => schemaType(p) === 'array');
  const given = parsed.params as Record<string, unknown>;
  if (!arrays.some((p) => typeof given[p.name] === 'string')) return parsed;
  const params = { ...given };
  for (const p of arrays) {
    const value = params[p.name];
    if (typeof value === 'string') params[p.name] = value.split(',');
  }
  return { ...parsed, params };
}

export class IndexedRouter extends OpenAPIRouter<OpenAPIV3.Document> {
  private readonly operations: Operation[];
  private readonly byId = new Map<string, Operation>();
  private readonly exact = new Map<string, Operation>();
  /**
   * Operations whose path differs from another's only by a trailing slash (useapi.net's `/jobs/`,
   * which requires `jobid`, beside `/jobs`): a request path written with the slash is theirs.
   */
  private readonly slashed = new Map<string, Operation>();
  private readonly templates: Template[];
  /**
   * Templates whose path parameters openapi-backend's matcher (bath) misreads: a segment of several
   * (`/{section}.{format}`), or a trailing slash the request path has lost. Their parameters' names,
   * and a pattern capturing each from the normalised request path.
   */
  private readonly ownParams = new Map<string, { names: string[]; pattern: RegExp }>();

  /** `definition` must be dereferenced already (openapi-backend's own `definition` after `init()`). */
  constructor(definition: OpenAPIV3.Document) {
    super({ definition, apiRoot: '/', ignoreTrailingSlashes: true });
    const operations: Operation[] = [];
    for (const [path, item] of Object.entries(definition.paths ?? {})) {
      if (!item) continue;
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        // The same shape openapi-backend's getOperations() gives: path-level parameters appended,
        // the document's security applying where the operation has none.
        operations.push({
          ...op,
          path,
          method,
          parameters: [...(op.parameters ?? []), ...(item.parameters ?? [])],
          security: op.security ?? definition.security ?? [],
        } as Operation);
      }
    }
    this.operations = operations;
    // A template is matched as the request path is: without its trailing slash (`ignoreTrailingSlashes`).
    // AWS's `GET /2015-03-31/functions/` beside `POST /2015-03-31/functions` were otherwise never reached.
    const matched = (path: string) => this.normalizePath(path);
    for (const { path } of operations) {
      const template = matched(path);
      // A segment of several parameters, or of one beside literal text (Azure's `/docs('{key}')`).
      const shared = template.split('/').some((segment) => {
        const params = segment.match(/\{[^}]+\}/g) ?? [];
        return params.length > 1 || (params.length === 1 && params[0] !== segment);
      });
      // So is a template whose literal text holds what a regular expression reads (`$`, Google's
      // `/{name}/$consent-enforcement-status`), which openapi-backend's matcher does not escape.
      const special = /[$^()+*?|\\[\]]/.test(template.replace(/\{[^}]+\}/g, ''));
      if (this.ownParams.has(path) || (!shared && !special && template === path)) continue;
      const names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '');
      const pattern = new RegExp(
        `^${template
          .split(/\{[^}]+\}/)
          .map(escapeRegExp)
          .join(shared ? '([^/]+?)' : '([^/]+)')}$`,
      );
      this.ownParams.set(path, { names, pattern });
    }
    for (const op of operations) {
      if (op.operationId) this.byId.set(op.operationId, op);
      const key = `${op.method} ${matched(op.path)}`;
      if (!this.exact.has(key)) this.exact.set(key, op);
    }
    for (const op of operations) {
      const taken = this.exact.get(`${op.method} ${matched(op.path)}`);
      if (taken && taken !== op && taken.path !== op.path && op.path.endsWith('/')) this.slashed.set(`${op.method} ${op.path}`, op);
    }
    // Most specific first (the most literal characters), stable like lodash's orderBy.
    const specificity = (op: Operation) => op.path.replace(/\{.*?\}/g, '').length;
    this.templates = operations
      .map((operation, i) => ({ operation, i, s: specificity(operation) }))
      .sort((a, b) => b.s - a.s || a.i - b.i)
      .map(({ operation }) => ({ pattern: templatePattern(matched(operation.path)), operation }));
    const shapes = new Map<string, Template[]>();
    for (const t of this.templates) {
      const shape = `${t.operation.method} ${matched(t.operation.path).replace(/\{[^}]+\}/g, '{}')}`;
      shapes.set(shape, [...(shapes.get(shape) ?? []), t]);
    }
    for (const alike of shapes.values()) {
      if (alike.length < 2) continue;
      for (const t of alike) t.accepts = paramsAccept(matched(t.operation.path), t.operation.parameters);
    }
  }

  override getOperations(): Operation[] {
    return this.operations;
  }

  override getOperation(operationId: string): Operation | undefined {
    return this.byId.get(operationId);
  }

  /** The path relative to the API root, as openapi-backend normalises it (leading slash, no query, no trailing slash). */
  private relative(path: string): string {
    let p = path.trim();
    if (!p.startsWith('/')) p = `/${p}`;
    const q = p.indexOf('?');
    return this.normalizePath(q < 0 ? p : p.slice(0, q));
  }

  /** Routes a method and a path once: the operation, or whether the path is known at all (405 vs 404). */
  route(method: string, path: string): Route {
    const m = method.trim().toLowerCase();
    if (this.slashed.size > 0) {
      const q = path.indexOf('?');
      const written = (q < 0 ? path : path.slice(0, q)).trim();
      const operation = this.slashed.get(`${m} ${written.startsWith('/') ? written : `/${written}`}`);
      if (operation) return { operation, pathKnown: true };
    }
    const relative = this.relative(path);
    const exact = this.exact.get(`${m} ${relative}`);
    if (exact) return { operation: exact, pathKnown: true };
    let pathKnown = false;
    let fallback: Operation | undefined;
    for (const t of this.templates) {
      if (!t.pattern.test(relative)) continue;
      pathKnown = true;
      if (t.operation.method !== m) continue;
      // Of templates alike, the one whose parameters take the values; else the first, as before.
      if (t.accepts && !t.accepts(relative)) {
        fallback ??= t.operation;
        continue;
      }
      return { operation: t.operation, pathKnown: true };
    }
    return { operation: fallback, pathKnown };
  }

  /** The methods (upper case) some operation serves on this path: the Allow header of a 405. */
  allowedMethods(path: string): string[] {
    const relative = this.relative(path);
    const served = new Set(this.templates.filter((t) => t.pattern.test(relative)).map((t) => t.operation.method));
    return ALLOW_ORDER.filter((m) => served.has(m)).map((m) => m.toUpperCase());
  }

  /**
   * openapi-backend's parsing, but the path parameters of the templates in `ownParams` are read by a
   * pattern of their own: its matcher (bath) reads `/home.json` as section `home.jso` and format ``
   * (nytimes.com), and finds nothing in `/plans/abc` for `/plans/{id}/` (AWS).
   */
  override parseRequest(req: Request, operation?: Operation): ParsedRequest {
    const parsed = withUnsplitScalars(
      withExplodedObjects(withBracketedNames(super.parseRequest(req, operation), req, operation), operation),
      operation,
    );
    const own = operation ? this.ownParams.get(operation.path) : undefined;
    if (!own) return withPathArrays(parsed, operation);
    const match = own.pattern.exec(this.relative(req.path));
    if (!match) return parsed;
    const params: Record<string, string> = { ...(parsed.params as Record<string, string>) };
    own.names.forEach((name, i) => {
      const raw = match[i + 1] ?? '';
      try {
        params[name] = decodeURIComponent(raw);
      } catch {
        params[name] = raw;
      }
    });
    return withPathArrays({ ...parsed, params }, operation);
  }

  override matchOperation(req: Request): Operation | undefined;
  override matchOperation(req: Request, strict: boolean): Operation;
  override matchOperation(req: Request, strict?: boolean): Operation | undefined {
    const { operation, pathKnown } = this.route(req.method, req.path);
    if (operation || !strict) return operation;
    // openapi-backend's own errors, which its handleRequest tells apart by these prefixes.
    throw new Error(
      pathKnown ? '405-methodNotAllowed: this method is not registered for the route' : '404-notFound: no route matches request',
    );
  }
}
