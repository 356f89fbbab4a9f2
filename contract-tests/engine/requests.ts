/**
 * Requests built from the spec's examples: path parameters from the Parameter
 * objects' examples (or from objects this run created), bodies from the Media
 * Type examples with fresh names where creating the example object twice
 * would collide.
 */
import type { OpenAPIV3 } from 'openapi-types';
import { conformingBody } from './conform.js';
import type { RunContext, SendRequest } from './context.js';
import { type BodyExample, buildPath, exampleHeaders, idMembers, isObject, type OperationInfo, type ResourceGroup } from './spec.js';
import type { HttpExchange } from './types.js';

/** Each JSON example as its schema accepts it (conform.ts), worked out once. */
const conforming = new WeakMap<BodyExample, unknown>();

/** The example body of an operation for one media type (application/json first), as its schema accepts it. */
export function exampleBody(op: OperationInfo, mediaType?: string): { mediaType: string; value: unknown } | undefined {
  const found = mediaType ? op.bodyExamples.find((b) => b.mediaType === mediaType) : op.bodyExamples[0];
  if (!found) return undefined;
  if (!conforming.has(found)) {
    const schema = /json|x-www-form-urlencoded/i.test(found.mediaType)
      ? (op.requestBody?.content?.[found.mediaType]?.schema as OpenAPIV3.SchemaObject | undefined)
      : undefined;
    conforming.set(found, schema ? conformingBody(schema, found.value) : found.value);
  }
  return { mediaType: found.mediaType, value: structuredClone(conforming.get(found)) };
}

/** Every example body of an operation, one per media type, each as its schema accepts it. */
export function exampleBodies(op: OperationInfo): { mediaType: string; value: unknown }[] {
  return op.bodyExamples.flatMap((b) => exampleBody(op, b.mediaType) ?? []);
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
  opts: { params?: Record<string, unknown>; body?: unknown; mediaType?: string; noBody?: boolean; listing?: boolean } = {},
): SendRequest {
  const example = opts.noBody ? undefined : exampleBody(op, opts.mediaType);
  // The example names documented objects; an RPC-style one then names the object this run created instead.
  const body = opts.body !== undefined ? opts.body : ctx.substituteIds(example?.value);
  const path = buildPath(op, opts.params ?? {}, {}, { listing: opts.listing === true });
  const headers = exampleHeaders(op);
  return {
    operationId: op.id,
    method: op.method,
    path,
    ...(Object.keys(headers).length ? { headers } : {}),
    ...(body !== undefined && !opts.noBody ? { body, contentType: opts.mediaType ?? example?.mediaType } : {}),
  };
}

/**
 * The id of the object a successful create made: the name we sent (JSON API), the one the target
 * answered with (`id`, or the group's other id members: `petId`, `topicId`…), else the last
 * segment of the `Location` it answered (RFC 9110 §10.2.2).
 */
export function createdId(sentBody: unknown, exchange: HttpExchange, group?: ResourceGroup): string | undefined {
  if (isObject(sentBody) && isObject(sentBody.data) && typeof sentBody.data.id === 'string') return sentBody.data.id;
  const body = exchange.response.body;
  for (const key of group ? idMembers(group) : ['id']) {
    const value = isObject(body) ? body[key] : undefined;
    // An empty member names nothing (Xero's answer holds `"id": ""` beside the `name` it is read by).
    if ((typeof value === 'string' && value !== '') || typeof value === 'number') return String(value);
  }
  if (isObject(body) && isObject(body.data) && typeof body.data.id === 'string') return body.data.id;
  const location = exchange.response.headers.location;
  if (group && location) {
    const last = new URL(location, 'http://x').pathname.split('/').filter(Boolean).pop();
    if (last) return decodeURIComponent(last);
  }
  return undefined;
}

/** Whether an object (a list's item) has this id in one of the group's id members. */
export function hasId(item: unknown, id: string, group?: ResourceGroup): boolean {
  // A list of ids (AWS's ListDetectors answers `{"DetectorIds": ["…"]}`).
  if (typeof item === 'string' || typeof item === 'number') return String(item) === id;
  if (!isObject(item)) return false;
  return (group ? idMembers(group) : ['id']).some((key) => item[key] !== undefined && item[key] !== null && String(item[key]) === id);
}

export const is2xx = (x: HttpExchange): boolean => x.response.status >= 200 && x.response.status < 300;
