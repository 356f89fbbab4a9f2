/**
 * Requests built from the spec's examples: path parameters from the Parameter
 * objects' examples (or from objects this run created), bodies from the Media
 * Type examples with fresh names where creating the example object twice
 * would collide.
 */
import type { RunContext, SendRequest } from './context.js';
import { buildPath, isObject, type OperationInfo, type ResourceGroup } from './spec.js';
import type { HttpExchange } from './types.js';

/** The example body of an operation for one media type (application/json first). */
export function exampleBody(op: OperationInfo, mediaType?: string): { mediaType: string; value: unknown } | undefined {
  const found = mediaType ? op.bodyExamples.find((b) => b.mediaType === mediaType) : op.bodyExamples[0];
  return found && { mediaType: found.mediaType, value: structuredClone(found.value) };
}

/**
 * Gives a create request's object a fresh name: JSON API's `data.id`, and
 * every `port` (two listeners cannot share one). Returns the new name.
 */
export function freshen(ctx: RunContext, body: unknown): string | undefined {
  let name: string | undefined;
  if (isObject(body) && isObject(body.data) && typeof body.data.id === 'string') {
    name = ctx.fresh(body.data.id);
    body.data.id = name;
  }
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'port' && typeof x === 'number' && x > 0) v[k] = ctx.freshPort();
        else walk(x);
      }
    }
  };
  walk(body);
  return name;
}

/** The group whose objects the operation's path addresses (the longest item path that prefixes it). */
export function groupOf(ctx: RunContext, op: OperationInfo): ResourceGroup | undefined {
  return ctx.spec.groups
    .filter((g) => op.path === g.itemPath || op.path.startsWith(`${g.itemPath}/`))
    .sort((a, b) => b.itemPath.length - a.itemPath.length)[0];
}

/** Path parameters addressing the latest object of a group this run created, if any. */
export function createdParams(ctx: RunContext, group: ResourceGroup | undefined): Record<string, string> | undefined {
  if (!group) return undefined;
  const list = ctx.created.get(group.name);
  return list?.[list.length - 1];
}

/** Remembers an object this run created, by the path parameters that address it. */
export function remember(ctx: RunContext, group: ResourceGroup, params: Record<string, string>): void {
  const list = ctx.created.get(group.name) ?? [];
  list.push(params);
  ctx.created.set(group.name, list);
}

export function forget(ctx: RunContext, group: ResourceGroup, params: Record<string, string>): void {
  const list = ctx.created.get(group.name) ?? [];
  ctx.created.set(
    group.name,
    list.filter((p) => p[group.itemParam] !== params[group.itemParam]),
  );
}

/** A request from the examples; `params` override path parameters, `body` the example body. */
export function request(
  ctx: RunContext,
  op: OperationInfo,
  opts: { params?: Record<string, unknown>; body?: unknown; mediaType?: string; noBody?: boolean } = {},
): SendRequest {
  const example = opts.noBody ? undefined : exampleBody(op, opts.mediaType);
  // The example names documented objects; an RPC-style one then names the object this run created instead.
  const body = opts.body !== undefined ? opts.body : ctx.substituteIds(example?.value);
  const path = buildPath(op, opts.params ?? {});
  return {
    operationId: op.id,
    method: op.method,
    path,
    ...(body !== undefined && !opts.noBody ? { body, contentType: opts.mediaType ?? example?.mediaType } : {}),
  };
}

/** The id of the object a successful create made: the name we sent (JSON API) or the one the target answered with. */
export function createdId(sentBody: unknown, exchange: HttpExchange): string | undefined {
  if (isObject(sentBody) && isObject(sentBody.data) && typeof sentBody.data.id === 'string') return sentBody.data.id;
  const body = exchange.response.body;
  if (isObject(body) && (typeof body.id === 'string' || typeof body.id === 'number')) return String(body.id);
  if (isObject(body) && isObject(body.data) && typeof body.data.id === 'string') return body.data.id;
  return undefined;
}

export const is2xx = (x: HttpExchange): boolean => x.response.status >= 200 && x.response.status < 300;
