/**
 * Phase 4, stateful: lifecycle scenarios derived from the spec's resource
 * groups (REST collections found by path structure, and RPC-style command
 * groups such as pip's), each with objects of its own:
 *
 * - use_after_free: create → read → update → read → delete → read (and
 *   update) find nothing.
 * - ensure_resource_availability: a created object can be read and shows in
 *   its collection.
 * - relationship_symmetry (JSON API): a relationship set on one object shows
 *   on the related object too, whether given at creation or added later, and
 *   goes away on both sides when removed.
 * - session_lifecycle (pip-sessions): open → store data → read → close →
 *   read shows the session inactive with its data cleared.
 */
import { isDeepStrictEqual } from 'node:util';
import type { OpenAPIV3 } from 'openapi-types';
import type { RunContext } from '../engine/context.js';
import { describeResponse } from '../engine/context.js';
import { createdId, exampleBody, forget, freshen, hasId, is2xx, remember, request } from '../engine/requests.js';
import {
  documentsClientErrors,
  flatten,
  isObject,
  notFoundStatuses,
  type OperationInfo,
  parameterExample,
  type ResourceGroup,
  type RpcGroup,
  schemaAt,
} from '../engine/spec.js';
import type { CheckName, Failure, HttpExchange } from '../engine/types.js';

/** An object made for one scenario. */
interface Handle {
  id: string;
  /** REST: the path parameters addressing it. */
  params: Record<string, string>;
  /** REST: the JSON API type it was created with. */
  type: string | undefined;
  /** Parent objects made for it, to remove afterwards. */
  parents: { adapter: Adapter; handle: Handle }[];
}

interface Created {
  exchange: HttpExchange;
  handle: Handle | undefined;
  /** The body sent, for relationship scenarios. */
  body: unknown;
}

/** The steps of a scenario, for one REST collection or one RPC command group. */
interface Adapter {
  name: string;
  create(opts?: { keepRelationships?: boolean }): Promise<Created>;
  read(h: Handle): Promise<HttpExchange>;
  update: ((h: Handle) => Promise<HttpExchange>) | undefined;
  remove: ((h: Handle) => Promise<HttpExchange>) | undefined;
  list: ((h: Handle) => Promise<HttpExchange>) | undefined;
  /** Whether the read and the update document any error status: one that documents none cannot say "no such object". */
  refuses: { read: boolean; update: boolean };
  /** Whether the list's documented answer can hold a list at all (GitLab's v3 documents one object for its lists). */
  listable: boolean;
  /** Whether a list response contains the object. */
  listed(x: HttpExchange, h: Handle): boolean;
  /** Whether a delete succeeded: a 2xx, or the redirect the delete documents where it documents no 2xx (Jira's 303 See Other). */
  removed(x: HttpExchange): boolean;
  /** Whether a response says the object does not exist (404, or a documented 204 "null" result). */
  gone(x: HttpExchange): boolean;
  goneDescription: string;
  cleanup(h: Handle): Promise<void>;
}

/** A list's items: the array itself, else `data`, else the arrays of its envelope (`{"pets": […]}`). */
const itemsOfBody = (body: unknown): unknown[] => {
  if (Array.isArray(body)) return body;
  if (!isObject(body)) return [];
  if (Array.isArray(body.data)) return body.data;
  return Object.values(body).flatMap((v) => (Array.isArray(v) ? v : []));
};

/** Whether an operation's documented 2xx JSON answer is, or has a member that is, an array (or says nothing of its shape). */
function holdsList(op: OperationInfo): boolean {
  // A collection path that ends in a parameter (`/fields/{field_id}` holding `/fields/{field_id}/{item}`):
  // its GET reads one object, a list only where it is an array or holds an array of objects
  // (Data2CRM's field has arrays of names, no list of its items).
  const objectRead = op.path.endsWith('}');
  const key = Object.keys(op.responses).find((k) => /^2/.test(k));
  const content = key === undefined ? {} : (op.responses[key]?.content ?? {});
  const media = Object.keys(content).find((t) => t.includes('json')) ?? Object.keys(content)[0];
  // No body documented: the list answers nothing a client could find the object in.
  if (media === undefined) return false;
  const schema = flatten(content[media]?.schema as OpenAPIV3.SchemaObject | undefined);
  if (!schema || (!schema.type && !schema.properties && !('items' in schema))) return true;
  const arrayish = (s: OpenAPIV3.SchemaObject | undefined) => s !== undefined && (s.type === 'array' || 'items' in s);
  if (arrayish(schema)) return true;
  const ofObjects = (s: OpenAPIV3.SchemaObject | undefined) => {
    const items = flatten(s && 'items' in s ? (s.items as OpenAPIV3.SchemaObject) : undefined);
    return items !== undefined && (items.type === 'object' || items.properties !== undefined);
  };
  if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) return true;
  // An array of links or errors beside one object is no list (NaviPlan's demographics by fact finder).
  return Object.entries(schema.properties ?? {}).some(
    ([name, p]) =>
      !/^(_?links|errors?|warnings?)$/i.test(name) &&
      arrayish(flatten(p as OpenAPIV3.SchemaObject)) &&
      (!objectRead || ofObjects(flatten(p as OpenAPIV3.SchemaObject))),
  );
}

/** Drops optional `data.relationships` so an object can be created and deleted on its own. */
function withoutRelationships(op: OperationInfo, body: unknown): void {
  if (!isObject(body) || !isObject(body.data) || !('relationships' in body.data)) return;
  const dataSchema = schemaAt(op.requestSchema, ['data']);
  if (!dataSchema?.required?.includes('relationships')) delete body.data.relationships;
}

function restAdapter(ctx: RunContext, group: ResourceGroup): Adapter {
  const parentAdapter = group.parent ? restAdapter(ctx, group.parent) : undefined;
  const itemParams = (h: Handle) => h.params;
  const goneStatuses = [...new Set([...notFoundStatuses(group.read), ...(group.update ? notFoundStatuses(group.update) : [])])];
  return {
    name: `${group.collectionPath} (${group.create.id}, ${group.read.id})`,
    async create(opts = {}) {
      const parents: Handle['parents'] = [];
      let parentParams: Record<string, string> = {};
      if (parentAdapter) {
        const made = await parentAdapter.create();
        if (!made.handle) return made;
        parents.push({ adapter: parentAdapter, handle: made.handle });
        parentParams = made.handle.params;
      }
      // The collection path's other parameters (a parent the inference could not pair with its group:
      // LUIS's `/prebuilts/{entityId}/roles` under `/prebuilts/{prebuiltId}`) take the create's
      // example, kept for every later step: each operation documents an example of its own.
      for (const p of group.create.parameters) {
        if (p.in === 'path' && parentParams[p.name] === undefined && p.name !== group.itemParam) {
          parentParams = { ...parentParams, [p.name]: String(parameterExample(p)) };
        }
      }
      // The JSON example, sent as JSON: Open Banking documents `application/jose+jwe` before it.
      const example = exampleBody(group.create, 'application/json') ?? exampleBody(group.create);
      const body = example?.value;
      freshen(ctx, body);
      if (!opts.keepRelationships) withoutRelationships(group.create, body);
      const x = await ctx.send(
        request(ctx, group.create, { params: parentParams, ...(body !== undefined ? { body, mediaType: example?.mediaType } : {}) }),
      );
      const id = is2xx(x) ? createdId(body, x, group) : undefined;
      const type = isObject(body) && isObject(body.data) && typeof body.data.type === 'string' ? body.data.type : undefined;
      const handle = id ? { id, params: { ...parentParams, [group.itemParam]: id }, type, parents } : undefined;
      // Whatever a scenario leaves behind is deleted at the end of the run.
      if (handle) remember(ctx, group, handle.params);
      if (!handle) for (const p of parents) await p.adapter.cleanup(p.handle);
      return { exchange: x, handle, body };
    },
    read: (h) => ctx.send(request(ctx, group.read, { params: itemParams(h) })),
    update: succeeds(group.update)
      ? (h) => {
          const op = group.update as OperationInfo;
          const example = exampleBody(op, 'application/json') ?? exampleBody(op);
          const body = example?.value;
          if (isObject(body) && isObject(body.data) && typeof body.data.id === 'string') body.data.id = h.id;
          withoutRelationships(op, body);
          return ctx.send(
            request(ctx, op, { params: itemParams(h), ...(body !== undefined ? { body, mediaType: example?.mediaType } : {}) }),
          );
        }
      : undefined,
    remove: succeeds(group.delete) ? (h) => ctx.send(request(ctx, group.delete as OperationInfo, { params: itemParams(h) })) : undefined,
    list: group.list ? (h) => ctx.send(request(ctx, group.list as OperationInfo, { params: itemParams(h), listing: true })) : undefined,
    listable: group.list !== undefined && holdsList(group.list),
    refuses: { read: documentsClientErrors(group.read), update: group.update !== undefined && documentsClientErrors(group.update) },
    listed: (x, h) => itemsOfBody(x.response.body).some((i) => hasId(i, h.id, group)),
    removed: (x) => (group.delete ? succeeded(group.delete, x) : is2xx(x)),
    // 404, or the status the operations document for "no such object" where they document no 404 (AWS's 480 ResourceNotFoundException).
    gone: (x) => goneStatuses.includes(x.response.status),
    goneDescription: goneStatuses.length === 1 && goneStatuses[0] === 404 ? '404 Not Found' : `${goneStatuses.join(' or ')} (not found)`,
    async cleanup(h) {
      if (group.delete) {
        const x = await ctx.http.send(request(ctx, group.delete, { params: itemParams(h) }));
        if (succeeded(group.delete, x) || goneStatuses.includes(x.response.status)) forget(ctx, group, h.params);
      }
      for (const p of [...h.parents].reverse()) await p.adapter.cleanup(p.handle);
    },
  };
}

function rpcAdapter(ctx: RunContext, group: RpcGroup): Adapter {
  const call = (op: OperationInfo, h: Handle, extra: Record<string, unknown> = {}) => {
    const example = exampleBody(op)?.value;
    const body = { ...(isObject(example) ? example : {}), ...extra, [group.idField]: h.id };
    return ctx.send(request(ctx, op, { body }));
  };
  const readOp = group.read;
  // A read of an unknown id answers 404 where documented, else pip's "null" result: 204 without a body.
  const goneBy404 = readOp?.responses['404'] !== undefined || readOp?.responses['204'] === undefined;
  const listFilter = group.list !== undefined && schemaAt(group.list.requestSchema, ['filter', 'id']) !== undefined;
  return {
    name: `${group.name} (${group.create.id}${readOp ? `, ${readOp.id}` : ''})`,
    async create() {
      const body = exampleBody(group.create)?.value;
      const x = await ctx.send(request(ctx, group.create, body !== undefined ? { body } : {}));
      const id = is2xx(x) ? createdId(undefined, x) : undefined;
      if (id) ctx.createdRpc.push({ group, id });
      return { exchange: x, handle: id ? { id, params: {}, type: undefined, parents: [] } : undefined, body };
    },
    read: (h) => (readOp ? call(readOp, h) : Promise.reject(new Error('no read command'))),
    update: group.updates[0] ? (h) => call(group.updates[0] as OperationInfo, h) : undefined,
    remove: group.delete ? (h) => call(group.delete as OperationInfo, h) : undefined,
    list: group.list
      ? (h) => {
          const op = group.list as OperationInfo;
          // Filter by id where the command can, so the object is on the first page however many there are.
          const body = listFilter ? { filter: { id: h.id } } : exampleBody(op)?.value;
          return ctx.send(request(ctx, op, body !== undefined ? { body } : {}));
        }
      : undefined,
    listable: true,
    refuses: { read: true, update: true },
    listed: (x, h) => itemsOfBody(x.response.body).some((i) => isObject(i) && i.id === h.id),
    removed: is2xx,
    gone: (x) => (goneBy404 ? x.response.status === 404 : x.response.status === 204 && x.response.text === ''),
    goneDescription: goneBy404 ? '404 Not Found' : '204 No Content (the null result of an unknown id)',
    async cleanup(h) {
      if (group.delete) await ctx.http.send(request(ctx, group.delete, { body: { [group.idField]: h.id } }));
    },
  };
}

/**
 * Whether an operation documents a success (a 2xx or 3xx, or `default`): one that documents only
 * errors (Callfire's updates, OpenChannel's deletes) cannot succeed within its contract, and is no
 * step of a scenario.
 */
function succeeds(op: OperationInfo | undefined): op is OperationInfo {
  return op !== undefined && Object.keys(op.responses).some((k) => /^[23]/.test(k) || k === 'default');
}

/** Whether an operation succeeded: a 2xx, or a 3xx it documents where it documents no 2xx. */
function succeeded(op: OperationInfo, x: HttpExchange): boolean {
  if (is2xx(x)) return true;
  const keys = Object.keys(op.responses);
  return !keys.some((k) => /^2/.test(k)) && /^3\d\d$/.test(String(x.response.status)) && keys.includes(String(x.response.status));
}

/** Runs one scenario and reports it as one case of `check`. */
async function scenario(
  ctx: RunContext,
  check: CheckName,
  name: string,
  body: (fail: (f: Failure) => void, skip: (reason: string) => void) => Promise<void>,
): Promise<void> {
  if (!ctx.selected(check)) return;
  ctx.progress(`${check} ${name}`);
  const started = performance.now();
  const failures: Failure[] = [];
  let skipped: string | undefined;
  try {
    await body(
      (f) => failures.push(f),
      (reason) => {
        skipped = reason;
      },
    );
  } catch (err) {
    failures.push({
      title: 'Scenario error',
      message: `Received: ${(err as Error).message}\nDocumented: a response`,
      expected: 'a response',
    });
  }
  const durationMs = performance.now() - started;
  if (skipped !== undefined && failures.length === 0) ctx.report({ check, name, status: 'skip', reason: skipped, failures, durationMs });
  else ctx.report({ check, name, status: failures.length ? 'fail' : 'pass', failures, durationMs });
}

/** A setup step that must succeed for the scenario to go on. */
function setupFailure(ctx: RunContext, what: string, x: HttpExchange): Failure {
  return ctx.failure(`Scenario setup failed: ${what}`, describeResponse(x), 'a 2xx', x);
}

async function useAfterFree(ctx: RunContext, a: Adapter): Promise<void> {
  await scenario(ctx, 'use_after_free', a.name, async (fail, skip) => {
    if (!a.remove) return skip('the spec has no delete operation for these objects, or documents no success of it');
    const made = await a.create();
    if (!made.handle) return fail(setupFailure(ctx, 'create', made.exchange));
    const h = made.handle;
    const update = a.update;
    const steps: [string, () => Promise<HttpExchange>][] = [['read after create', () => a.read(h)]];
    if (update) steps.push(['update', () => update(h)], ['read after update', () => a.read(h)]);
    for (const [what, step] of steps) {
      const x = await step();
      if (!is2xx(x)) {
        await a.cleanup(h);
        return fail(setupFailure(ctx, what, x));
      }
    }
    const deleted = await a.remove(h);
    if (!a.removed(deleted)) {
      await a.cleanup(h);
      return fail(setupFailure(ctx, 'delete', deleted));
    }
    const after: [string, HttpExchange][] = [];
    if (a.refuses.read) after.push(['read', await a.read(h)]);
    if (update && a.refuses.update) after.push(['update', await update(h)]);
    if (after.length === 0) {
      for (const p of [...h.parents].reverse()) await p.adapter.cleanup(p.handle);
      return skip('the read documents no error status, so how it answers for a deleted object is not in its contract');
    }
    for (const [what, x] of after) {
      if (!a.gone(x)) {
        fail(
          ctx.failure(
            `Use after free: a deleted object can still be ${what === 'read' ? 'read' : 'updated'}`,
            describeResponse(x),
            `${a.goneDescription} after the delete`,
            x,
          ),
        );
      }
    }
    for (const p of [...h.parents].reverse()) await p.adapter.cleanup(p.handle);
  });
}

async function ensureResourceAvailability(ctx: RunContext, a: Adapter): Promise<void> {
  await scenario(ctx, 'ensure_resource_availability', a.name, async (fail) => {
    const made = await a.create();
    if (!made.handle) return fail(setupFailure(ctx, 'create', made.exchange));
    const h = made.handle;
    const read = await a.read(h);
    if (!is2xx(read))
      fail(
        ctx.failure(
          'Created object is not available',
          describeResponse(read),
          `a 2xx reading '${h.id}' right after its create succeeded`,
          read,
        ),
      );
    if (a.list && a.listable) {
      const list = await a.list(h);
      if (!is2xx(list) || !a.listed(list, h)) {
        fail(
          ctx.failure(
            'Created object is missing from its collection',
            describeResponse(list),
            `a 2xx listing that includes '${h.id}'`,
            list,
          ),
        );
      }
    }
    await a.cleanup(h);
  });
}

interface Ref {
  id: string;
  type: string;
}

function refsOf(value: unknown): Ref[] {
  return Array.isArray(value) ? value.filter((r): r is Ref => isObject(r) && typeof r.id === 'string' && typeof r.type === 'string') : [];
}

/** The related object's relationship to objects of `type`, as a list of refs. */
function relationshipOf(x: HttpExchange, type: string): Ref[] {
  const body = x.response.body;
  const data = isObject(body) && isObject(body.data) ? body.data : undefined;
  const rels = data && isObject(data.relationships) ? data.relationships : undefined;
  const rel = rels && isObject(rels[type]) ? rels[type] : undefined;
  return refsOf(rel?.data);
}

const sameRef = (a: Ref, b: Ref) => a.id.toLowerCase() === b.id.toLowerCase() && a.type === b.type;

async function relationshipSymmetry(ctx: RunContext, group: ResourceGroup): Promise<void> {
  const example = exampleBody(group.create, 'application/json')?.value ?? exampleBody(group.create)?.value;
  const data = isObject(example) && isObject(example.data) ? example.data : undefined;
  const relationships = data && isObject(data.relationships) ? data.relationships : undefined;
  if (!relationships) return;
  const a = restAdapter(ctx, group);
  /** The GET of a related object: `/<type>/{id}`. */
  const readerOf = (type: string) =>
    ctx.spec.operations.find((o) => o.method === 'GET' && new RegExp(`^/${type}/\\{[^}/]+\\}$`).test(o.path));
  const relUpdate = ctx.spec.operations.find(
    (o) => (o.method === 'PATCH' || o.method === 'PUT') && o.path.startsWith(`${group.itemPath}/relationships/`),
  );
  const relParam = pathParamOf(relUpdate);

  await scenario(ctx, 'relationship_symmetry', a.name, async (fail, skip) => {
    const wanted = Object.entries(relationships).flatMap(([rel, value]) =>
      refsOf(isObject(value) ? value.data : undefined).map((ref) => ({ rel, ref })),
    );
    const checkable = wanted.filter((w) => readerOf(w.ref.type));
    if (checkable.length === 0) {
      return skip(`the spec has no GET /${[...new Set(wanted.map((w) => w.ref.type))].join('|')}/{id} to look at the other side`);
    }
    /** Reads each related object and reports whether it lists ours. */
    const otherSides = async (h: Handle, expectListed: boolean, when: string) => {
      for (const { ref } of checkable) {
        const x = await ctx.send(
          request(ctx, readerOf(ref.type) as OperationInfo, { params: { [pathParamOf(readerOf(ref.type))]: ref.id } }),
        );
        const ours: Ref = { id: h.id, type: h.type ?? group.collectionPath.split('/').pop() ?? '' };
        const listed = relationshipOf(x, ours.type).some((r) => sameRef(r, ours));
        if (listed !== expectListed) {
          fail(
            ctx.failure(
              expectListed ? 'Relationship not shown on the related object' : 'Removed relationship still shown on the related object',
              `${ref.type}/${ref.id} relationships.${ours.type}: ${JSON.stringify(relationshipOf(x, ours.type).map((r) => r.id))} (${when})`,
              `${expectListed ? 'includes' : 'does not include'} '${ours.id}' (${ours.type})`,
              x,
            ),
          );
        }
      }
    };
    /** Reads our object and reports whether it lists each related one. */
    const ownSide = async (h: Handle, when: string) => {
      const x = await a.read(h);
      for (const { rel, ref } of checkable) {
        if (!relationshipOf(x, rel).some((r) => sameRef(r, ref))) {
          fail(
            ctx.failure(
              'Relationship not shown on the object itself',
              `relationships.${rel}: ${JSON.stringify(relationshipOf(x, rel).map((r) => r.id))} (${when})`,
              `includes '${ref.id}' (${ref.type})`,
              x,
            ),
          );
        }
      }
    };
    const clear = async (h: Handle) => {
      for (const rel of new Set(checkable.map((w) => w.rel))) {
        if (relUpdate) await ctx.send(request(ctx, relUpdate, { params: { ...h.params, [relParam]: rel }, body: { data: [] } }));
        else if (group.update) {
          await ctx.send(
            request(ctx, group.update, {
              params: h.params,
              body: { data: { id: h.id, type: h.type, relationships: { [rel]: { data: [] } } } },
            }),
          );
        }
      }
    };

    // Given at creation.
    const made = await a.create({ keepRelationships: true });
    if (!made.handle) return fail(setupFailure(ctx, 'create with relationships', made.exchange));
    await ownSide(made.handle, 'after a create that sets it');
    await otherSides(made.handle, true, 'after a create that sets it');
    await clear(made.handle);
    await otherSides(made.handle, false, 'after the relationship was removed');
    await a.cleanup(made.handle);

    // Added later, through the relationships endpoint (or a PATCH of the object).
    if (!relUpdate && !group.update) return;
    const plain = await a.create();
    if (!plain.handle) return fail(setupFailure(ctx, 'create', plain.exchange));
    const h = plain.handle;
    for (const rel of new Set(checkable.map((w) => w.rel))) {
      const refs = checkable.filter((w) => w.rel === rel).map((w) => w.ref);
      const x = relUpdate
        ? await ctx.send(request(ctx, relUpdate, { params: { ...h.params, [relParam]: rel }, body: { data: refs } }))
        : await ctx.send(
            request(ctx, group.update as OperationInfo, {
              params: h.params,
              body: { data: { id: h.id, type: h.type, relationships: { [rel]: { data: refs } } } },
            }),
          );
      if (!is2xx(x)) return fail(setupFailure(ctx, `set ${rel}`, x));
    }
    await ownSide(h, 'after an update that adds it');
    await otherSides(h, true, 'after an update that adds it');
    await clear(h);
    await a.cleanup(h);
  });
}

function pathParamOf(op: OperationInfo | undefined): string {
  return /\{([^}]+)\}$/.exec(op?.path ?? '')?.[1] ?? 'id';
}

async function sessionLifecycle(ctx: RunContext, group: RpcGroup): Promise<void> {
  const store = group.updates.find((o) => (flatten(o.requestSchema)?.required ?? []).includes('data'));
  const close = group.updates.find((o) => /^close/.test(o.id));
  const a = rpcAdapter(ctx, group);
  if (!store || !close || !group.read) return;
  await scenario(
    ctx,
    'session_lifecycle',
    `${a.name}: ${group.create.id} → ${store.id} → ${group.read.id} → ${close.id} → ${group.read.id}`,
    async (fail) => {
      const made = await a.create();
      if (!made.handle) return fail(setupFailure(ctx, group.create.id, made.exchange));
      const h = made.handle;
      const data = { contract_marker: ctx.fresh('data'), nested: { n: 1 } };
      const stored = await ctx.send(request(ctx, store, { body: { [group.idField]: h.id, data } }));
      if (!is2xx(stored)) return fail(setupFailure(ctx, store.id, stored));
      const read = await a.read(h);
      const readData = isObject(read.response.body) ? read.response.body.data : undefined;
      if (!is2xx(read) || !isDeepStrictEqual(readData, data)) {
        fail(ctx.failure('Stored data not read back', describeResponse(read), `200 with data ${JSON.stringify(data)}`, read));
      }
      const closed = await ctx.send(request(ctx, close, { body: { [group.idField]: h.id } }));
      if (!is2xx(closed)) return fail(setupFailure(ctx, close.id, closed));
      const after = await a.read(h);
      const body = isObject(after.response.body) ? after.response.body : {};
      if (after.response.status !== 200 || body.active !== false || (body.data !== null && body.data !== undefined)) {
        fail(
          ctx.failure(
            'Closed session does not read as closed',
            describeResponse(after),
            '200 with active: false and data cleared (null)',
            after,
          ),
        );
      }
      await a.cleanup(h);
    },
  );
}

export async function runStatefulPhase(ctx: RunContext): Promise<void> {
  ctx.beginPhase('stateful');
  const adapters = [...ctx.spec.groups.map((g) => restAdapter(ctx, g)), ...ctx.spec.rpcGroups.map((g) => rpcAdapter(ctx, g))];
  const runs: [CheckName, () => Promise<void>, string][] = [
    [
      'use_after_free',
      async () => {
        for (const a of adapters) await useAfterFree(ctx, a);
      },
      'the spec has no create/read/delete operation groups',
    ],
    [
      'ensure_resource_availability',
      async () => {
        for (const a of adapters) await ensureResourceAvailability(ctx, a);
      },
      'the spec has no create/read operation groups',
    ],
    [
      'relationship_symmetry',
      async () => {
        for (const g of ctx.spec.groups) await relationshipSymmetry(ctx, g);
      },
      'no create example of the spec sets JSON API relationships',
    ],
    [
      'session_lifecycle',
      async () => {
        for (const g of ctx.spec.rpcGroups) await sessionLifecycle(ctx, g);
      },
      'the spec has no open / store data / close session commands',
    ],
  ];
  for (const [check, run, none] of runs) {
    if (!ctx.selected(check)) continue;
    const before = ctx.results.length;
    await run();
    if (ctx.results.length === before) ctx.report({ check, name: ctx.spec.api, status: 'skip', reason: none, failures: [], durationMs: 0 });
  }
  ctx.endPhase();
}
