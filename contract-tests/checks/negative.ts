/**
 * Phase 3, negative_data_rejection: requests generated from the spec that
 * break it must get a 4xx the operation documents, never a 2xx or a 5xx.
 * Each body mutation starts from the documented example and is checked with
 * Ajv to really be invalid before it is sent (a "wrong" value the schema
 * accepts would be a false alarm). The other conformance checks still judge
 * the error responses; their status is this check's business.
 */
import type { OpenAPIV3 } from 'openapi-types';
import { isJsonMedia } from '../../src/spec/conformance.js';
import { breaks } from '../engine/conform.js';
import type { RunContext } from '../engine/context.js';
import { describeResponse } from '../engine/context.js';
import { createdId, exampleBody, freshen, remember, request } from '../engine/requests.js';
import { actionReason, planOf, sendRestoring } from '../engine/safety.js';
import {
  describeOperation,
  documentedStatuses,
  flatten,
  isDocumented,
  isObject,
  itemsOf,
  type OperationInfo,
  objectParam,
  typesOf,
} from '../engine/spec.js';
import type { Failure, HttpExchange } from '../engine/types.js';

export { breaks };

export interface Mutation {
  /** What was broken, e.g. `missing required field /data/id`. */
  description: string;
  body?: unknown;
  raw?: string;
  contentType?: string;
  noBody?: boolean;
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
}

/** Values of each JSON type, to put where the schema wants another one. */
const WRONG_VALUES: [string, unknown][] = [
  ['string', 'contract-wrong-type'],
  ['integer', 987654321],
  ['boolean', true],
  ['array', ['contract-wrong-type']],
  ['object', { contract: 'wrong-type' }],
];

function wrongValueFor(schema: OpenAPIV3.SchemaObject | undefined): [string, unknown] | undefined {
  const types = typesOf(schema);
  if (types.length === 0) return undefined;
  const admits = (t: string) => types.includes(t) || (t === 'integer' && types.includes('number'));
  return WRONG_VALUES.find(([t]) => !admits(t));
}

const UNKNOWN_FIELD = 'contract_test_unknown_field';
const MAX_BODY_MUTATIONS = 40;

/** Body mutations of one example: missing required fields, wrong types, values outside an enum, unknown fields. */
export function bodyMutations(schema: OpenAPIV3.SchemaObject | undefined, example: unknown): Mutation[] {
  const out: Mutation[] = [];
  const at = (
    root: unknown,
    path: (string | number)[],
    change: (parent: Record<string, unknown> | unknown[], key: string | number) => void,
  ) => {
    const copy = structuredClone(root);
    let node: unknown = copy;
    for (const key of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[key];
    change(node as Record<string, unknown>, path[path.length - 1] as string | number);
    return copy;
  };
  const pointer = (path: (string | number)[]) => `/${path.join('/')}`;

  const walk = (s: OpenAPIV3.SchemaObject | undefined, value: unknown, path: (string | number)[]): void => {
    const flat = flatten(s);
    if (!flat) return;
    if (isObject(value)) {
      for (const name of flat.required ?? []) {
        if (name in value) {
          out.push({
            description: `missing required field ${pointer([...path, name])}`,
            body: at(example, [...path, name], (p) => delete (p as Record<string, unknown>)[name]),
          });
        }
      }
      if (flat.additionalProperties === false) {
        out.push({
          description: `unknown field ${pointer([...path, UNKNOWN_FIELD])} where additionalProperties is false`,
          body:
            path.length === 0
              ? { ...value, [UNKNOWN_FIELD]: true }
              : at(example, [...path, UNKNOWN_FIELD], (p, k) => ((p as Record<string, unknown>)[k] = true)),
        });
      }
      for (const [name, child] of Object.entries(value)) {
        const childSchema = (flat.properties?.[name] ??
          (typeof flat.additionalProperties === 'object' ? flat.additionalProperties : undefined)) as OpenAPIV3.SchemaObject | undefined;
        if (!childSchema) continue;
        const wrong = wrongValueFor(childSchema);
        if (wrong) {
          out.push({
            description: `wrong type at ${pointer([...path, name])} (${wrong[0]} instead of ${typesOf(childSchema).join(' or ')})`,
            body: at(example, [...path, name], (p, k) => ((p as Record<string, unknown>)[k] = wrong[1])),
          });
        }
        const flatChild = flatten(childSchema);
        if (flatChild?.enum && typeof child === 'string') {
          out.push({
            description: `value outside the enum at ${pointer([...path, name])}`,
            body: at(example, [...path, name], (p, k) => ((p as Record<string, unknown>)[k] = 'contract-not-in-enum')),
          });
        }
        walk(childSchema, child, [...path, name]);
      }
    } else if (Array.isArray(value) && value.length > 0) {
      walk(itemsOf(flat), value[0], [...path, 0]);
    }
  };
  const rootWrong = wrongValueFor(schema);
  if (rootWrong)
    out.push({ description: `a JSON ${rootWrong[0]} instead of the documented ${typesOf(schema).join(' or ')}`, body: rootWrong[1] });
  walk(schema, example, []);
  return out.slice(0, MAX_BODY_MUTATIONS);
}

/** Every request that breaks the operation's spec. */
export function mutationsOf(ctx: RunContext, op: OperationInfo): Mutation[] {
  const out: Mutation[] = [];
  const json = exampleBody(op, 'application/json') ?? exampleBody(op);
  // Fetch sends no body with a GET or a HEAD (engine/http.ts), however the spec documents one
  // (Interactive Brokers' `GET /secdef`): a broken body would go as no body at all.
  const bodyless = /^(GET|HEAD)$/i.test(op.method);
  if (op.requestBody && json && op.requestSchema && !bodyless) {
    const base = json.value;
    if (op.kind === 'create') freshen(ctx, base);
    // An RPC command names an object nothing has, so an invalid request wrongly accepted changes nothing.
    const plan = planOf(ctx.spec, op);
    if (plan.kind === 'object' && plan.rpc && isObject(base) && typeof base[plan.rpc.idField] === 'string') {
      base[plan.rpc.idField] = ctx.fresh('missing');
    }
    // A form carries text: a wrong JSON type or a JSON string is no longer one once it is a form
    // field, so a form body is only broken by what a form can say (a missing field, a value outside an enum).
    // Another media type (Mastodon's `application/form-data`, Otoroshi's ndjson) is not one whose
    // content a server can be held to judge by the JSON schema: its body is not broken at all.
    const isJson = isJsonMedia(json.mediaType);
    const isForm = /^(application\/x-www-form-urlencoded|multipart\/form-data)$/i.test(json.mediaType.split(';')[0]?.trim() ?? '');
    for (const m of isJson || isForm ? bodyMutations(op.requestSchema, base) : []) {
      if (!isJson && !/^(missing required field|value outside the enum)/.test(m.description)) continue;
      if (breaks(op.requestSchema, m.body, base)) out.push({ ...m, contentType: json.mediaType });
    }
    if (isJson) {
      out.push({ description: 'malformed JSON', raw: `${(JSON.stringify(base) ?? '{}').slice(0, -1)},`, contentType: json.mediaType });
    }
    // Only where text/plain is not documented: not by name, nor by a range that covers it (`*/*`, `text/*`).
    const mediaTypes = Object.keys(op.requestBody.content ?? {}).map((t) => t.split(';')[0]?.trim().toLowerCase() ?? t);
    if (!mediaTypes.some((t) => t === 'text/plain' || t === 'text/*' || t === '*/*')) {
      out.push({
        description: 'a body sent as text/plain, an undocumented Content-Type',
        raw: JSON.stringify(base) ?? 'contract-test',
        contentType: 'text/plain',
      });
    }
    if (op.requestBody.required) out.push({ description: 'no request body', noBody: true });
  }
  for (const p of op.parameters) {
    const schema = flatten(p.schema as OpenAPIV3.SchemaObject | undefined);
    if (!schema) continue;
    if (p.in === 'path' && schema.enum) {
      out.push({ description: `path parameter ${p.name} outside its enum`, params: { [p.name]: 'contract-not-in-enum' } });
    }
    // A mistyped query parameter can only be refused where the operation documents 400.
    if (p.in === 'query' && isDocumented(op, 400) && op.responses['400']) {
      // Only scalars: a query string carries an object or array as keys, which a free-form schema accepts.
      const wrong = wrongValueFor(schema);
      if (wrong && wrong[0] === 'string' && ['integer', 'number', 'boolean'].includes(String(schema.type))) {
        out.push({ description: `query parameter ${p.name} of the wrong type`, query: { [p.name]: wrong[1] } });
      }
    }
    if (p.in === 'query' && p.required && !answeredWithout(ctx, op)) {
      out.push({ description: `missing required query parameter ${p.name}`, query: { [p.name]: undefined } });
    }
  }
  return out;
}

/**
 * Whether another operation of the same method takes the same path, the request without the
 * operation's query: Azure's `/apis/{apiId}#export=true` beside `/apis/{apiId}`, told apart by a
 * required `export`. Without it, the request is the other operation's, which rightly answers it.
 */
function answeredWithout(ctx: RunContext, op: OperationInfo): boolean {
  const bare = (path: string) => path.replace(/[#?].*$/, '');
  if (bare(op.path) === op.path) return false;
  return ctx.spec.operations.some((other) => other !== op && other.method === op.method && other.path === bare(op.path));
}

export async function runNegativePhase(ctx: RunContext): Promise<void> {
  ctx.beginPhase('negative');
  for (const op of ctx.spec.operations) {
    const mutations = mutationsOf(ctx, op);
    if (mutations.length === 0) continue;
    const plan = planOf(ctx.spec, op);
    const name = `${describeOperation(op)}: ${mutations.length} invalid requests`;
    if (plan.kind === 'action' && !ctx.options.allowDestructive) {
      ctx.report({ check: 'negative_data_rejection', name, status: 'skip', reason: actionReason(op), failures: [], durationMs: 0 });
      continue;
    }
    // An object the request addresses is one nothing has: an invalid request wrongly accepted changes nothing.
    const last = objectParam(op);
    const missing = plan.kind === 'object' && plan.group && last ? { [last]: ctx.fresh('missing') } : {};
    ctx.progress(op.id);
    const failures: Failure[] = [];
    let duration = 0;
    const documented4xx = documentedStatuses(op).filter((s) => s >= 400 && s < 500);
    const judged = mutations.filter((m) => answerable(op, m));
    if (judged.length === 0) {
      const reason = `the operation documents no status that answers invalid input (${INVALID_INPUT_STATUSES.join(', ')}), so how it refuses one is not in its contract`;
      ctx.report({ check: 'negative_data_rejection', name, status: 'skip', reason, failures: [], durationMs: 0 });
      continue;
    }
    for (const m of judged) {
      const base = request(ctx, op, {
        params: { ...missing, ...m.params },
        ...(m.noBody ? { noBody: true } : {}),
      });
      let path = base.path;
      if (m.query) {
        const url = new URL(path, 'http://x');
        for (const [k, v] of Object.entries(m.query)) {
          if (v === undefined) url.searchParams.delete(k);
          else url.searchParams.set(k, String(v));
        }
        path = `${url.pathname}${url.search}`;
      }
      const body = m.raw !== undefined ? m.raw : m.body !== undefined ? m.body : m.noBody ? undefined : base.body;
      const req = {
        operationId: op.id,
        method: op.method,
        path,
        ...(body !== undefined ? { body, raw: m.raw !== undefined, contentType: m.contentType ?? base.contentType } : {}),
        exclude: ['status_code_conformance'] as const,
      };
      const x = plan.kind === 'setting' ? await sendRestoring(ctx, plan, req) : await ctx.send(req);
      duration += x.durationMs;
      if (plan.kind === 'create' && x.response.status < 300) keepForCleanup(ctx, op, m.raw === undefined ? body : undefined, x, base.path);
      const status = x.response.status;
      if (status < 400 || status >= 500 || !isDocumented(op, status)) {
        failures.push(
          ctx.failure(
            status >= 500 ? 'Server error on invalid input' : status < 400 ? 'Invalid input accepted' : 'Undocumented rejection status',
            `${describeResponse(x)} for ${m.description}`,
            `a 4xx the operation documents: ${documented4xx.join(', ') || '(none documented)'}`,
            x,
          ),
        );
      }
    }
    ctx.report({
      check: 'negative_data_rejection',
      name,
      status: failures.length ? 'fail' : 'pass',
      failures,
      durationMs: duration,
    });
  }
  ctx.endPhase();
}

/** The statuses that answer a request the spec does not admit (RFC 9110 §15.5.1, §15.5.21), and `default`. */
const INVALID_INPUT_STATUSES = ['400', '422', '4XX', 'default'];

/**
 * Whether the operation documents a status that answers this invalid request: 400, 422, a 4XX
 * range or `default`; also 415 for an undocumented Content-Type and 404 for a path parameter
 * that names nothing. An operation that documents none of them (only 401 or 404, say) leaves how
 * it refuses invalid input out of its contract, and the request is not judged.
 */
function answerable(op: OperationInfo, m: Mutation): boolean {
  const statuses = [...INVALID_INPUT_STATUSES];
  if (m.contentType === 'text/plain' && m.raw !== undefined) statuses.push('415');
  if (m.params) statuses.push('404');
  const keys = Object.keys(op.responses).map((k) => k.toUpperCase());
  return statuses.some((s) => keys.includes(s.toUpperCase()));
}

/** An invalid create the target accepted made an object: it is deleted at the end of the run. */
function keepForCleanup(ctx: RunContext, op: OperationInfo, body: unknown, x: HttpExchange, path: string): void {
  const group = ctx.spec.groups.find((g) => g.create === op);
  const id = createdId(body, x, group);
  if (!id) return;
  const rpc = ctx.spec.rpcGroups.find((g) => g.create === op);
  if (rpc) ctx.createdRpc.push({ group: rpc, id });
  if (!group) return;
  // The parent's path parameters, read back from the path the request went to.
  const params: Record<string, string> = {};
  const actual = (path.split('?')[0] ?? '').split('/');
  group.collectionPath.split('/').forEach((segment, i) => {
    const name = /^\{(.+)\}$/.exec(segment)?.[1];
    if (name) params[name] = decodeURIComponent(actual[i] ?? '');
  });
  remember(ctx, group, { ...params, [group.itemParam]: id });
}
