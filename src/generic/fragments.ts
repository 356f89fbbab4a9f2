/**
 * Path templates with a fragment (`/#Action=DescribeClusters`,
 * `/recommendations#assessmentArn`): some specs (AWS's query APIs among them)
 * tell operations on one path apart this way. A fragment is never sent
 * (RFC 3986 §3.5), so such an operation is routed by its query string: the
 * fragment's `name=value` terms must match it, and a bare `name` must be in it.
 * The router gets each such template under a path of its own
 * (`/__fragment<N>` + the template without its fragment); `rewrite` moves a
 * request there.
 */
import type { OpenAPIV3 } from 'openapi-types';

interface FragmentRoute {
  methods: Set<string>;
  pattern: RegExp;
  terms: [string, string | undefined][];
  /** The request media types of each method (lower case, no parameters): Azure's `#overload=` tells operations apart by them. */
  mediaTypes: Map<string, string[]>;
  /** `/__fragment<N>`: the router's path of the template is it followed by the template without its fragment. */
  prefix: string;
}

export interface Fragments {
  /** The document the router gets: fragment templates renamed. */
  definition: OpenAPIV3.Document;
  /** The path a request goes to instead (its query kept), or undefined to leave it. */
  rewrite: (method: string, path: string, query: URLSearchParams, routable: boolean, contentType?: string) => string | undefined;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function fragmentRoutes(doc: OpenAPIV3.Document): Fragments | undefined {
  const paths = doc.paths ?? {};
  // A query string written into the template (icons8's `/categories?platform={platform}`) is routed the same way.
  const cut = (p: string) => {
    const hash = p.indexOf('#');
    const query = p.indexOf('?');
    return hash < 0 ? query : query < 0 ? hash : Math.min(hash, query);
  };
  const fragmented = Object.keys(paths).filter((p) => cut(p) >= 0);
  if (fragmented.length === 0) return undefined;
  const renamedPaths: OpenAPIV3.PathsObject = {};
  const routes: FragmentRoute[] = [];
  let n = 0;
  for (const [path, item] of Object.entries(paths)) {
    const at = cut(path);
    if (at < 0) {
      renamedPaths[path] = item;
      continue;
    }
    n += 1;
    const stripped = path.slice(0, at).replace(/\/+$/, '') || '';
    const prefix = `/__fragment${n}`;
    renamedPaths[`${prefix}${stripped}`] = item ? inQuery(item, stripped) : item;
    const terms = path
      .slice(at + 1)
      .split(/[&#?]/)
      .filter(Boolean)
      .map((t): [string, string | undefined] => {
        const eq = t.indexOf('=');
        if (eq < 0) return [decodeURIComponent(t), undefined];
        const value = decodeURIComponent(t.slice(eq + 1));
        // `name={param}`: any value of the parameter, so only its presence tells the route.
        return [decodeURIComponent(t.slice(0, eq)), /^\{[^}]*\}$/.test(value) ? undefined : value];
      });
    const pattern = new RegExp(
      `^${stripped
        .replace(/\{[^}]+\}/g, '\0')
        .split('\0')
        .map(escapeRe)
        .join('[^/]+')}/?$`,
    );
    const methods = new Set(Object.keys(item ?? {}).map((m) => m.toUpperCase()));
    const mediaTypes = new Map<string, string[]>();
    for (const m of methods) {
      let body = (item as Record<string, OpenAPIV3.OperationObject | undefined>)[m.toLowerCase()]?.requestBody as
        | OpenAPIV3.RequestBodyObject
        | OpenAPIV3.ReferenceObject
        | undefined;
      if (body && '$ref' in body) body = doc.components?.requestBodies?.[body.$ref.split('/').pop() ?? ''];
      const content = body && 'content' in body ? body.content : {};
      mediaTypes.set(
        m,
        Object.keys(content ?? {}).map((t) => t.split(';')[0]?.trim().toLowerCase() ?? t),
      );
    }
    routes.push({ methods, pattern, terms, prefix, mediaTypes });
  }
  const rewrite = (method: string, path: string, query: URLSearchParams, routable: boolean, contentType?: string): string | undefined => {
    const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
    const trimmed = path.replace(/\/+$/, '');
    const sent = contentType?.split(';')[0]?.trim().toLowerCase();
    let best: { route: FragmentRoute; score: number; complete: boolean; media: boolean } | undefined;
    for (const route of routes) {
      if (!route.methods.has(m) || !route.pattern.test(trimmed)) continue;
      const met = route.terms.filter(([k, v]) => (v === undefined ? query.has(k) : query.get(k) === v)).length;
      const complete = met === route.terms.length;
      // Among routes the query cannot tell apart, the one whose request body takes what was sent.
      const media = sent !== undefined && (route.mediaTypes.get(m) ?? []).includes(sent);
      if (
        !best ||
        Number(complete) > Number(best.complete) ||
        (complete === best.complete && (met > best.score || (met === best.score && media && !best.media)))
      ) {
        best = { route, score: met, complete, media };
      }
    }
    if (!best || (!best.complete && routable)) return undefined;
    return `${best.route.prefix}${trimmed}`.replace(/\/+$/, '') || '/';
  };
  return { definition: { ...doc, paths: renamedPaths }, rewrite };
}

/** Path parameters the template names only after its `?` (icons8's `?platform={platform}`) are read from the query string. */
function inQuery(item: OpenAPIV3.PathItemObject, path: string): OpenAPIV3.PathItemObject {
  const move = (params: (OpenAPIV3.ParameterObject | OpenAPIV3.ReferenceObject)[] | undefined) =>
    params?.map((p) => ('in' in p && p.in === 'path' && !path.includes(`{${p.name}}`) ? { ...p, in: 'query' } : p));
  const out: Record<string, unknown> = { ...item };
  if (item.parameters) out.parameters = move(item.parameters);
  for (const method of ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const) {
    const op = item[method];
    if (op?.parameters) out[method] = { ...op, parameters: move(op.parameters) };
  }
  return out as OpenAPIV3.PathItemObject;
}
