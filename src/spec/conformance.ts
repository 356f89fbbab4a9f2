/**
 * Checks an HTTP exchange against a spec: is the status documented for the
 * operation, is the Content-Type the documented one, does the body validate
 * against the documented schema (error statuses too), are documented
 * required headers present. Used by our tests (every response they see is
 * checked) and by the contract suite.
 */
import type { ErrorObject } from 'ajv';
import type { Operation } from 'openapi-backend';
import type { OpenAPIV3 } from 'openapi-types';
import { isFramingHeader } from '../http/framing.js';
import { isValidPercentEncoding } from '../http/guards.js';
import { indexedBackend, installPrecompiled } from '../http/precompiled.js';
import { type ApiName, loadSpec, precompiledValidators } from './load.js';

export interface Exchange {
  method: string;
  /** Path with query string, as sent. */
  path: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
  /** Raw body text, to tell an empty body from a JSON one. */
  text: string;
  /**
   * The operation the request was made for. When given, the exchange is checked against it
   * instead of routing method and path (a target may sit under any base path).
   */
  operationId?: string;
}

export type CheckName =
  | 'status_code_conformance'
  | 'content_type_conformance'
  | 'response_schema_conformance'
  | 'response_headers_conformance';

export interface Violation {
  check: CheckName;
  title: string;
  message: string;
}

export interface ConformanceChecker {
  operationOf(method: string, path: string): (Operation & OpenAPIV3.OperationObject) | undefined;
  check(exchange: Exchange): Violation[];
  /**
   * Why the spec refuses a request (its parameters, headers and JSON body against the operation's
   * schemas), or undefined when it accepts it or names no operation for it.
   */
  requestRefusal(request: { method: string; path: string; headers: Record<string, string>; body?: string }): string | undefined;
  definition: OpenAPIV3.Document;
}

/**
 * Whether a Content-Type is one of the documented media types: the same type, or one a
 * documented range covers (`*\/*`, `text/*`, RFC 9110 §12.5.1); parameters are ignored.
 */
export function mediaTypeDocumented(documented: readonly string[], contentType: string): boolean {
  const sent = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return documented.some((d) => {
    const type = d.split(';')[0]?.trim().toLowerCase() ?? '';
    if (type === sent || type === '*/*') return true;
    return type.endsWith('/*') && sent.startsWith(type.slice(0, -1));
  });
}

/** Whether a body of this media type is JSON, to be parsed and validated against the schema. */
export function isJsonMedia(contentType: string): boolean {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type.endsWith('+json');
}

/** Path prefixes that the spec's servers add (MaxScale's /v1); stripped before matching. */
function serverPrefixes(doc: OpenAPIV3.Document): string[] {
  const prefixes = new Set<string>();
  for (const server of doc.servers ?? []) {
    // A server URL that is not one (an unfilled `{scheme}://…` variable) adds no prefix.
    if (!URL.canParse(server.url, 'http://x')) continue;
    const path = new URL(server.url, 'http://x').pathname.replace(/\/+$/, '');
    if (path) prefixes.add(path);
  }
  return [...prefixes].sort((a, b) => b.length - a.length);
}

/**
 * Ajv's errors as one line. Under `oneOf` Ajv reports the errors of every
 * branch; only the closest branch's (the fewest errors) are kept, so a body
 * meant as one alternative is judged against that one.
 */
export function describeSchemaErrors(errors: readonly ErrorObject[]): string {
  const branchOf = /^(.*?\/oneOf)\/(\d+)\//;
  const branches = new Map<string, Map<string, ErrorObject[]>>();
  const kept: ErrorObject[] = [];
  const oneOfVerdicts: ErrorObject[] = [];
  for (const e of errors) {
    const m = branchOf.exec(e.schemaPath);
    if (m?.[1] && m[2]) {
      const byBranch = branches.get(m[1]) ?? new Map<string, ErrorObject[]>();
      byBranch.set(m[2], [...(byBranch.get(m[2]) ?? []), e]);
      branches.set(m[1], byBranch);
    } else if (e.keyword === 'oneOf') {
      oneOfVerdicts.push(e);
    } else {
      kept.push(e);
    }
  }
  for (const byBranch of branches.values()) {
    const closest = [...byBranch.values()].sort((a, b) => a.length - b.length)[0];
    if (closest) kept.push(...closest);
  }
  if (kept.length === 0) kept.push(...oneOfVerdicts);
  const lines = kept.map(
    (e) =>
      `${e.instancePath || '/'} ${e.message ?? ''}${e.params && 'additionalProperty' in e.params ? ` '${String(e.params.additionalProperty)}'` : ''}`,
  );
  return [...new Set(lines)].join('; ');
}

/**
 * The checker for one of our specs, or for any OpenAPI 3 document (the contract suite's --spec).
 *
 * Nothing is compiled up front: for our specs the response validators are the ones `make generate`
 * compiled (generated/<api>.validators.cjs), and any other schema is compiled by one shared Ajv the
 * first time a response of that operation and status is checked. Compiling every validator of the
 * MaxScale spec at creation, each in an Ajv of its own, was a sixth of a contract run's CPU.
 */
export async function createConformanceChecker(api: ApiName | OpenAPIV3.Document): Promise<ConformanceChecker> {
  const definition = structuredClone(typeof api === 'string' ? await loadSpec(api) : api);
  // Each validator compiled the first time it is needed.
  const { backend, router } = await indexedBackend(definition, { ignoreTrailingSlashes: true });
  const precompiled = typeof api === 'string' ? precompiledValidators(api) : undefined;
  // Only the response validators: they are built with the same options as here (no coercion).
  if (precompiled) installPrecompiled(backend.validator, { ...precompiled, request: {} });
  const prefixes = serverPrefixes(definition);

  /** The operation a request names, and its path below the spec's server path (what the router matched). */
  const locate = (method: string, rawPath: string) => {
    // The path as sent: a WHATWG URL would resolve `..` and `%2e%2e`, which the server does not.
    let path = rawPath.startsWith('/') ? (rawPath.split('?')[0] ?? '/') : new URL(rawPath, 'http://x').pathname;
    // A path that is not valid percent-encoding (RFC 3986 §2.1) names no resource of any operation.
    if (!isValidPercentEncoding(path)) return undefined;
    let op = router.matchOperation({ method: method.toLowerCase(), path, headers: {} });
    if (!op) {
      for (const prefix of prefixes) {
        if (path === prefix || path.startsWith(`${prefix}/`)) {
          path = path.slice(prefix.length) || '/';
          op = router.matchOperation({ method: method.toLowerCase(), path, headers: {} });
          if (op) break;
        }
      }
    }
    return op ? { operation: op as Operation & OpenAPIV3.OperationObject, path } : undefined;
  };
  const operationOf = (method: string, rawPath: string) => locate(method, rawPath)?.operation;

  const check = (x: Exchange): Violation[] => {
    const operation =
      x.operationId !== undefined
        ? (router.getOperation(x.operationId) as (Operation & OpenAPIV3.OperationObject) | undefined)
        : operationOf(x.method, x.path);
    if (!operation) return [];
    const id = operation.operationId ?? `${x.method} ${x.path}`;
    const responses = operation.responses ?? {};
    const documented = (responses[String(x.status)] ?? responses[`${String(x.status)[0]}XX`] ?? responses.default) as
      | OpenAPIV3.ResponseObject
      | undefined;
    if (!documented) {
      return [
        {
          check: 'status_code_conformance',
          title: 'Undocumented HTTP status code',
          message: `${id}: Received: ${x.status}\nDocumented: ${Object.keys(responses).join(', ')}`,
        },
      ];
    }
    const violations: Violation[] = [];
    const contentType = String(x.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim()
      .toLowerCase();
    const mediaTypes = Object.keys(documented.content ?? {});
    const hasBody = x.text.length > 0;
    if (mediaTypes.length === 0 && hasBody) {
      violations.push({
        check: 'content_type_conformance',
        title: 'Unexpected response body',
        message: `${id} ${x.status}: Received: a ${contentType || 'body'} of ${x.text.length} bytes\nDocumented: no body`,
      });
    }
    // A response to HEAD never has a body, whatever its GET documents (RFC 9110 §9.3.2), nor does
    // a 204, a 205 or a 304 (§15.3.5, §15.3.6, §15.4.5) whatever content a spec gives them (Gitea's
    // 205 documents a list): only headers are judged.
    const bodiless = x.method.toUpperCase() === 'HEAD' || x.status === 204 || x.status === 205 || x.status === 304;
    if (mediaTypes.length > 0 && !(bodiless && !hasBody)) {
      if (!hasBody) {
        violations.push({
          check: 'content_type_conformance',
          title: 'Missing response body',
          message: `${id} ${x.status}: Received: no body\nDocumented: ${mediaTypes.join(', ')}`,
        });
      } else if (!contentType || !mediaTypeDocumented(mediaTypes, contentType)) {
        violations.push({
          check: 'content_type_conformance',
          title: 'Undocumented Content-Type',
          message: `${id} ${x.status}: Received: ${contentType || '(none)'}\nDocumented: ${mediaTypes.join(', ')}`,
        });
      } else if (!isJsonMedia(contentType)) {
        // Not JSON (text, XML, binary): its media type is what can be checked.
      } else if (x.body === undefined) {
        violations.push({
          check: 'response_schema_conformance',
          title: 'Response body is not JSON',
          message: `${id} ${x.status}: Received: ${x.text.slice(0, 200)}\nDocumented: a JSON document`,
        });
      } else {
        let verdict: { errors?: ErrorObject[] | null };
        try {
          verdict = backend.validator.validateResponse(x.body, operation, x.status);
        } catch {
          // A schema openapi-backend cannot compile (a recursive one it restores badly): nothing to judge the body by.
          verdict = { errors: null };
        }
        if (verdict.errors?.length) {
          violations.push({
            check: 'response_schema_conformance',
            title: 'Response violates schema',
            message: `${id} ${x.status}: Received: ${JSON.stringify(x.body).slice(0, 500)}\nDocumented: ${describeSchemaErrors(verdict.errors)}`,
          });
        }
      }
    }
    for (const [name, header] of Object.entries(documented.headers ?? {})) {
      const h = header as OpenAPIV3.HeaderObject;
      const value = x.headers[name.toLowerCase()];
      // A documented response header must be sent: WWW-Authenticate on 401 is the case that matters.
      // Not the framing ones: compression, chunking and the connection are the transport's choice.
      if (value === undefined && h.required !== false && !isFramingHeader(name)) {
        violations.push({
          check: 'response_headers_conformance',
          title: 'Missing documented header',
          message: `${id} ${x.status}: Received: no ${name} header\nDocumented: ${name}`,
        });
      }
    }
    return violations;
  };

  const requestRefusal: ConformanceChecker['requestRefusal'] = ({ method, path, headers, body }) => {
    const located = locate(method, path);
    if (!located) return undefined;
    const lowered = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    let parsed: unknown = body;
    if (body && isJsonMedia(lowered['content-type'] ?? 'application/json')) {
      try {
        parsed = JSON.parse(body);
      } catch {
        return 'the body is not JSON';
      }
    }
    const query = path.includes('?') ? path.slice(path.indexOf('?')) : '';
    // openapi-backend reads path parameters from the path it is given: the one the router matched.
    const request = { method: method.toLowerCase(), path: `${located.path}${query}`, headers: lowered, ...(body ? { body: parsed } : {}) };
    try {
      const { errors } = backend.validator.validateRequest(request, located.operation);
      return errors?.length ? describeSchemaErrors(errors) : undefined;
    } catch {
      // A schema openapi-backend cannot compile: nothing to judge the request by.
      return undefined;
    }
  };

  return { operationOf, check, requestRefusal, definition };
}
