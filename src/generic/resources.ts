/**
 * The resources of a generic twin, inferred from the path structure by the
 * contract suite's own inference (`buildSpecModel`'s resource groups): a POST
 * on `/things` creates what `GET /things/{id}` reads, PUT/PATCH update it,
 * DELETE removes it, `GET /things` lists it; a collection under another's
 * item path belongs to that object. Objects live in a `KvStore` (the store
 * the MaxScale twin uses), one collection per group and parent object.
 */
import { randomUUID } from 'node:crypto';
import type { OpenAPIV3 } from 'openapi-types';
import {
  flatten,
  idMembers,
  isObject,
  type OperationInfo,
  parameterExample,
  pathParams,
  type ResourceGroup,
  type SpecModel,
} from '../../contract-tests/engine/spec.js';
import { matchesPattern, stringMatching } from '../spec/values.js';
import type { KvStore } from '../store/kv.js';
import { documentedExample } from './shape.js';

type Schema = OpenAPIV3.SchemaObject;

export type RoleKind = 'create' | 'read' | 'list' | 'update' | 'replace' | 'delete';

export interface Resource {
  group: ResourceGroup;
  /** The member of an object that holds its id (`id`, `petId`, `name`…). */
  idProp: string;
  /** The schema of that member, or of the item path parameter: what a generated id looks like. */
  idSchema: Schema | undefined;
  /** Path parameters of the collection path: they name the parent object. */
  parentParams: string[];
  parent: Resource | undefined;
  children: Resource[];
}

export interface Role {
  kind: RoleKind;
  resource: Resource;
}

/** The 2xx (else default) response schema of an operation, for JSON media. */
export function successSchema(op: OperationInfo | undefined): Schema | undefined {
  if (!op) return undefined;
  const entry = Object.entries(op.responses).find(([s]) => /^2/.test(s)) ?? Object.entries(op.responses).find(([s]) => s === 'default');
  const content = entry?.[1].content ?? {};
  const media = content['application/json'] ?? Object.entries(content).find(([t]) => t.includes('json'))?.[1] ?? Object.values(content)[0];
  return media?.schema as Schema | undefined;
}

/** The members an object schema declares, its oneOf or anyOf branches' too (InfluxDB answers a dashboard as one of two). */
function propertiesOf(schema: Schema | undefined): Record<string, unknown> {
  const s = flatten(schema);
  const branches = ((s?.oneOf ?? s?.anyOf ?? []) as Schema[]).map((b) => flatten(b)?.properties ?? {});
  return Object.assign({}, ...branches, s?.properties ?? {});
}

/** The members of an object schema that can hold an id: not objects or arrays. */
function scalars(props: Record<string, unknown> | undefined): Record<string, Schema> {
  return Object.fromEntries(
    Object.entries(props ?? {}).filter(([, m]) => {
      const s = flatten(m as Schema);
      return !(s?.type === 'object' || s?.type === 'array' || s?.properties !== undefined || (s !== undefined && 'items' in s));
    }),
  ) as Record<string, Schema>;
}

/** The id member: the first of the suite's id members (`idMembers`) the schemas declare, else `id`. */
function idPropOf(group: ResourceGroup): { idProp: string; idSchema: Schema | undefined } {
  // The create's answer too (AWS's CreateAccessor answers `{"AccessorId": …}`), and the members of
  // an envelope the answers wrap the object in (`{"thing": {"thingId": …}}`), after their own.
  const shapes = [successSchema(group.create), successSchema(group.read)].map(propertiesOf);
  const wrapped = shapes.flatMap((p) => Object.values(p).map((m) => scalars(flatten(m as Schema)?.properties)));
  // An id is a value, not an object: Evidently's `/projects/{project}` answers `{"project": {"name": …}}`.
  const answers = shapes.map(scalars);
  const own = Object.assign({}, scalars(flatten(group.create.requestSchema)?.properties), ...answers) as Record<string, Schema>;
  const members = idMembers(group);
  // The members of objects the answer holds count only where the answer has no id member of its
  // own: then it is an envelope (AWS); else they are other objects (Netlify's site holds its
  // `published_deploy`, whose `site_id` names the site; Runscope's bucket a `team` with an `id`).
  const enveloped = !answers.some((p) => members.some((m) => m in p));
  const props = (enveloped ? Object.assign({}, ...wrapped, own) : own) as Record<string, Schema>;
  // A schema that declares nothing, with an example that does (Glacier answers `{"uploadId": …}`).
  const documented = [group.create, group.read].map((op) => {
    const example = responseExample(op) ?? successSchema(op)?.example;
    return isObject(example)
      ? Object.fromEntries(Object.entries(example).filter(([, v]) => typeof v === 'string' || typeof v === 'number'))
      : {};
  });
  const found = members.find((c) => c in props) ?? members.find((c) => documented.some((e) => c in e));
  const param = group.read.parameters.find((p) => p.in === 'path' && p.name === group.itemParam)?.schema as Schema | undefined;
  if (found) {
    // The member's schema, with what the path parameter demands of an id besides (Azure's machine
    // group names are UUIDs in the path, free strings in the body): a made id must be readable back.
    const member = flatten(props[found]);
    const inPath = flatten(param);
    if (!member) return { idProp: found, idSchema: inPath };
    const demands = Object.fromEntries(
      (['type', 'format', 'pattern', 'minLength', 'maxLength', 'minimum', 'enum'] as const).flatMap((k) =>
        inPath?.[k] !== undefined && member[k] === undefined ? [[k, inPath[k]]] : [],
      ),
    );
    return { idProp: found, idSchema: { ...member, ...demands } };
  }
  return { idProp: 'id', idSchema: flatten(param) };
}

/** The resources and each operation's role in one. */
export function inferResources(model: SpecModel): { resources: Resource[]; roles: Map<string, Role> } {
  const resources: Resource[] = [];
  const byGroup = new Map<ResourceGroup, Resource>();
  const roles = new Map<string, Role>();
  // PATCH and PUT by path: one lookup per group, not a scan of every operation (inference stays linear).
  const byRoute = new Map<string, OperationInfo>();
  for (const o of model.operations) if (!byRoute.has(`${o.method} ${o.path}`)) byRoute.set(`${o.method} ${o.path}`, o);
  for (const group of model.groups) {
    const parent = group.parent ? byGroup.get(group.parent) : undefined;
    const resource: Resource = { group, ...idPropOf(group), parentParams: pathParams(group.collectionPath), parent, children: [] };
    parent?.children.push(resource);
    resources.push(resource);
    byGroup.set(group, resource);
    const claim = (op: OperationInfo | undefined, kind: RoleKind) => {
      if (op && !roles.has(op.id)) roles.set(op.id, { kind, resource });
    };
    claim(group.create, 'create');
    claim(group.read, 'read');
    claim(group.list, 'list');
    claim(group.delete, 'delete');
    const at = (method: string) => byRoute.get(`${method} ${group.itemPath}`);
    claim(at('PATCH'), 'update');
    claim(at('PUT'), 'replace');
  }
  return { resources, roles };
}

/** The store collection of a resource's objects under one parent. */
export function collectionOf(resource: Resource, params: Record<string, unknown>): string {
  return `${resource.group.collectionPath}\u0000${resource.parentParams.map((p) => String(params[p] ?? '')).join('\u0000')}`;
}

/** Generates ids in the format the schema asks for: integers counting up, UUIDs, date-times, else strings. */
export class IdGenerator {
  private next = 1;

  /** Ids below this are taken (seeded objects): generated integers start above them. */
  reserve(id: unknown): void {
    const n = Number(id);
    if (Number.isInteger(n) && n >= this.next) this.next = n + 1;
  }

  make(schema: Schema | undefined): string | number {
    const n = this.next++;
    const type = schema?.type;
    if (type === 'integer' || type === 'number') return n + Math.max(0, Number(schema?.minimum ?? 0));
    if (schema?.format === 'uuid' || (schema?.pattern !== undefined && /\[0-9a-f\]\{8\}/i.test(schema.pattern))) return randomUUID();
    if (schema?.format === 'date-time') return new Date(Date.UTC(2000, 0, 1) + n * 1000).toISOString();
    if (schema?.format === 'date') return new Date(Date.UTC(2000, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
    if (schema?.enum?.length) return String(schema.enum[0]);
    const counted = `${n}`;
    const min = Math.max(1, schema?.minLength ?? 1);
    const id = counted.length >= min ? counted : `${'0'.repeat(min - counted.length)}${counted}`;
    // An id with a pattern (AWS's `^[0-9a-f]{8}-…`, ARNs): a string it matches, one per count.
    return schema?.pattern && !matchesPattern(schema.pattern, id)
      ? (stringMatching(schema.pattern, counted, { min: schema.minLength, max: schema.maxLength }) ?? id)
      : id;
  }
}

/** An id as it is stored and compared: path parameters arrive as text. */
export const idKey = (id: unknown): string => String(id);

/**
 * The objects the spec's examples document, for the initial state: each
 * collection's list example, each item read's example under the read's
 * example path parameters (so the documented GET of an example object finds it).
 */
export function seedFromExamples(resources: readonly Resource[], store: KvStore, ids: IdGenerator): number {
  let seeded = 0;
  const put = (resource: Resource, params: Record<string, unknown>, object: unknown, id: unknown) => {
    if (!isObject(object) || id === undefined || id === null || isObject(id)) return;
    const value = { ...object, [resource.idProp]: object[resource.idProp] ?? id };
    store.put(collectionOf(resource, params), idKey(id), value);
    ids.reserve(id);
    seeded += 1;
  };
  for (const resource of resources) {
    const { group } = resource;
    const params: Record<string, unknown> = {};
    for (const p of group.read.parameters) if (p.in === 'path') params[p.name] = parameterExample(p);
    const listed = listExample(group.list);
    for (const item of listed) if (isObject(item)) put(resource, params, item, item[resource.idProp]);
    const readExample = responseExample(group.read);
    const exampleId = params[group.itemParam];
    const object = isObject(readExample) ? readExample : {};
    put(resource, params, object, exampleId ?? object[resource.idProp]);
  }
  return seeded;
}

function responseExample(op: OperationInfo | undefined): unknown {
  if (!op) return undefined;
  const entry = Object.entries(op.responses).find(([s]) => /^2/.test(s));
  const content = entry?.[1].content ?? {};
  return documentedExample(content['application/json'] ?? Object.values(content)[0]);
}

/** Items of a list example: the array itself, or the first array member of an envelope. */
function listExample(op: OperationInfo | undefined): unknown[] {
  const example = responseExample(op);
  if (Array.isArray(example)) return example;
  if (isObject(example)) {
    const arrays = Object.values(example).filter(Array.isArray);
    return arrays[0] ?? [];
  }
  return [];
}
