/**
 * What the suite knows about an API, all read from its spec: the operations
 * (dereferenced, with path-level parameters merged in), example values for
 * parameters and bodies, what kind of operation each is (read, create,
 * update, delete) and the resources that create/read/update/delete groups
 * of operations act on. Nothing here is specific to one API: new operations
 * in the spec are covered as they appear.
 */
import type { OpenAPIV3 } from 'openapi-types';
import { type ApiName, loadSpec } from '../../src/spec/load.js';
import { normalizeForAjv } from '../../src/spec/normalize.js';
import { BY_FORMAT, stringMatching } from '../../src/spec/values.js';

export type OperationKind = 'read' | 'create' | 'update' | 'delete';

export interface BodyExample {
  mediaType: string;
  value: unknown;
}

export interface OperationInfo {
  id: string;
  method: string;
  /** The path template, e.g. `/services/{name}`. */
  path: string;
  summary: string;
  kind: OperationKind;
  parameters: OpenAPIV3.ParameterObject[];
  requestBody: OpenAPIV3.RequestBodyObject | undefined;
  /** Every request body example, one per media type (the first named example where `examples` is used). */
  bodyExamples: BodyExample[];
  /** The JSON request schema (application/json first). */
  requestSchema: OpenAPIV3.SchemaObject | undefined;
  responses: Record<string, OpenAPIV3.ResponseObject>;
  /** Whether the operation needs credentials (its effective security is not empty). */
  secured: boolean;
  securitySchemes: string[];
}

/** A collection whose objects are created by one operation and read, updated, deleted by others. */
export interface ResourceGroup {
  /** `services`, `services/{name}/listeners`. */
  name: string;
  collectionPath: string;
  itemPath: string;
  /** The path parameter naming an object of the collection. */
  itemParam: string;
  create: OperationInfo;
  read: OperationInfo;
  list: OperationInfo | undefined;
  update: OperationInfo | undefined;
  delete: OperationInfo | undefined;
  /** Where the collection sits inside another resource's object. */
  parent: ResourceGroup | undefined;
}

/**
 * Objects of an RPC-style API (every command a POST, pip-sessions): the create
 * command answers the object with its `id`, and the others name it by a
 * required body field `<noun>_id`, the noun being the create's operationId
 * without its verb (`openSession` → `session_id`). Commands are grouped by
 * the folder of their path, so `/v1/sessions/*` and `/sessions/*` are two groups.
 */
export interface RpcGroup {
  name: string;
  /** The body field naming an object, e.g. `session_id`. */
  idField: string;
  create: OperationInfo;
  read: OperationInfo | undefined;
  list: OperationInfo | undefined;
  /** Updates, in spec order. */
  updates: OperationInfo[];
  delete: OperationInfo | undefined;
}

export interface SpecModel {
  /** `maxscale`, `pip-sessions`, or the title of a spec given with --spec. */
  api: string;
  /** The spec's info.title. */
  title: string;
  /** The spec as validated and bundled (internal $refs kept); `document` is it dereferenced. */
  bundled: OpenAPIV3.Document;
  document: OpenAPIV3.Document;
  operations: OperationInfo[];
  byId: Map<string, OperationInfo>;
  groups: ResourceGroup[];
  rpcGroups: RpcGroup[];
  /** The path of the spec's first server (MaxScale: `/v1`), used when the target URL has none. */
  basePath: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** Verbs of verbNoun operationIds, for APIs where every command is a POST (pip-sessions). */
const READ_VERBS = /^(get|list|find|read|search|count|describe|show)[A-Z_]/;
const DELETE_VERBS = /^(delete|remove|destroy|purge)[A-Z_]/;
const CREATE_VERBS = /^(create|open|add|new|register|insert|post)[A-Z_]/;
const CREATE_VERBS_PREFIX = /^(create|open|add|new|register|insert|post)/;

export function kindOf(method: string, operationId: string): OperationKind {
  const m = method.toLowerCase();
  if (m === 'get' || m === 'head' || m === 'options') return 'read';
  if (m === 'delete') return 'delete';
  if (m === 'put' || m === 'patch') return 'update';
  if (READ_VERBS.test(operationId)) return 'read';
  if (DELETE_VERBS.test(operationId)) return 'delete';
  if (CREATE_VERBS.test(operationId)) return 'create';
  // Any other POST is an action on what exists (pip's store_session_data, MaxScale's flushLogs, runModuleCommand).
  return 'update';
}

function firstExample(media: OpenAPIV3.MediaTypeObject | OpenAPIV3.ParameterObject): unknown {
  if (media.example !== undefined) return media.example;
  for (const ex of Object.values(media.examples ?? {})) {
    const value = (ex as OpenAPIV3.ExampleObject).value;
    if (value !== undefined) return value;
  }
  return undefined;
}

const cache = new Map<string, Promise<SpecModel>>();

export const OUR_APIS: readonly ApiName[] = ['maxscale', 'pip-sessions', 'apitwin-admin'];
export const isOurApi = (api: string): api is ApiName => (OUR_APIS as readonly string[]).includes(api);

/**
 * Any OpenAPI 3 spec, from a file or a URL: validated, then bundled. A document the validator
 * refuses (a Swagger 2.0 one, or one with the small mistakes real specs have: GitLab's, Xero's)
 * is read as `apitwin serve --spec` reads it (converted, mended where it can be), so the suite
 * judges a twin by the same document it serves; one that is not OpenAPI at all still fails.
 */
export async function loadSpecFrom(source: string): Promise<OpenAPIV3.Document> {
  // Loaded here, not with this module: the generic twin (`serve --spec`) builds its model without it.
  const { default: SwaggerParser } = await import('@apidevtools/swagger-parser');
  let doc: { openapi?: string };
  try {
    doc = (await SwaggerParser.validate(source)) as { openapi?: string };
  } catch (err) {
    const { loadAnySpec } = await import('../../src/generic/load.js');
    const loaded = await loadAnySpec(source).catch(() => {
      throw err;
    });
    return loaded.bundled;
  }
  if (typeof doc.openapi !== 'string' || !doc.openapi.startsWith('3.')) {
    const { loadAnySpec } = await import('../../src/generic/load.js');
    return (await loadAnySpec(source)).bundled;
  }
  const bundled = (await SwaggerParser.bundle(source)) as OpenAPIV3.Document;
  normalizeForAjv(bundled);
  return bundled;
}

/** The spec model of one of our APIs, or of the spec at `source` (a file or URL), built once per process. */
export function loadSpecModel(api: string, source?: string): Promise<SpecModel> {
  const key = source ?? api;
  let model = cache.get(key);
  if (!model) {
    model = (async () => {
      if (source) return buildSpecModel(api, await loadSpecFrom(source));
      if (!isOurApi(api)) throw new Error(`no spec of apitwin is called '${api}'`);
      return buildSpecModel(api, await loadSpec(api));
    })();
    cache.set(key, model);
  }
  return model;
}

export async function buildSpecModel(api: string, bundled: OpenAPIV3.Document): Promise<SpecModel> {
  // swagger-parser's dereferencing is json-schema-ref-parser's: the same, without loading its validators.
  // The default export, which is the module's exports under Node and in the command's bundle alike.
  const { default: $RefParser } = await import('@apidevtools/json-schema-ref-parser');
  // Bundled: no `$ref` points outside it, so none is looked for (a crawl of the whole document).
  const document = (await $RefParser.dereference(structuredClone(bundled) as never, {
    resolve: { external: false },
  })) as unknown as OpenAPIV3.Document;
  const operations: OperationInfo[] = [];
  const globalSecurity = document.security ?? [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    if (!item) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const id = op.operationId ?? `${method} ${path}`;
      const parameters = new Map<string, OpenAPIV3.ParameterObject>();
      for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])] as OpenAPIV3.ParameterObject[]) {
        parameters.set(`${p.in}:${p.name}`, p);
      }
      const requestBody = op.requestBody as OpenAPIV3.RequestBodyObject | undefined;
      const content = requestBody?.content ?? {};
      const bodyExamples: BodyExample[] = [];
      for (const [mediaType, media] of Object.entries(content)) {
        const schema = media.schema as OpenAPIV3.SchemaObject | undefined;
        const value = jsonFromText(mediaType, schema, firstExample(media) ?? schema?.example);
        const sampled = value === undefined ? sampleFromSchema(schema) : value;
        bodyExamples.push({ mediaType, value: isFormMedia(mediaType) ? withFormArraysFilled(schema, sampled) : sampled });
      }
      const jsonMedia = content['application/json'] ?? Object.values(content)[0];
      const security = op.security ?? globalSecurity;
      const schemes = [...new Set(security.flatMap((req) => Object.keys(req)))];
      operations.push({
        id,
        method: method.toUpperCase(),
        path,
        summary: op.summary ?? '',
        kind: kindOf(method, id),
        parameters: [...parameters.values()],
        requestBody,
        bodyExamples,
        requestSchema: jsonMedia?.schema as OpenAPIV3.SchemaObject | undefined,
        responses: (op.responses ?? {}) as Record<string, OpenAPIV3.ResponseObject>,
        secured: security.length > 0 && !security.some((req) => Object.keys(req).length === 0),
        securitySchemes: schemes,
      });
    }
  }
  // A POST to a collection whose items a GET reads creates one, whatever its verb (MaxScale's enableUnixUser).
  const itemReads = itemReadsByCollection(operations);
  for (const op of operations) {
    if (op.method !== 'POST' || op.kind !== 'update' || op.path.endsWith('}')) continue;
    if (itemReads.has(op.path)) op.kind = 'create';
  }
  const byId = new Map(operations.map((o) => [o.id, o]));
  const firstServer = document.servers?.[0]?.url;
  const basePath = firstServer ? new URL(firstServer, 'http://x').pathname.replace(/\/+$/, '') : '';
  const groups = findGroups(operations);
  const title = document.info?.title ?? api;
  return { api, title, bundled, document, operations, byId, groups, rpcGroups: findRpcGroups(operations, groups), basePath };
}

/**
 * A JSON example written as its text (Xero's `"{ \"Name\": \"My Docs\" }"`), where the schema does
 * not ask for a string: the value it spells, as the generic twin reads such response examples.
 */
function jsonFromText(mediaType: string, schema: OpenAPIV3.SchemaObject | undefined, value: unknown): unknown {
  // A form example written as its encoded text (Truora's `"country=co&type=person"`): its fields.
  if (typeof value === 'string' && /^application\/x-www-form-urlencoded\b/i.test(mediaType) && flatten(schema)?.type !== 'string') {
    return /^[^=&\s]+=/.test(value) ? Object.fromEntries(new URLSearchParams(value)) : value;
  }
  if (typeof value !== 'string' || !/json/i.test(mediaType) || flatten(schema)?.type === 'string' || !/^\s*[[{]/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

const folderOf = (path: string): string => path.replace(/\/[^/]*$/, '');
const snake = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

function requiredBodyFields(op: OperationInfo): string[] {
  return flatten(op.requestSchema)?.required ?? [];
}

function findRpcGroups(operations: OperationInfo[], groups: ResourceGroup[]): RpcGroup[] {
  const out: RpcGroup[] = [];
  const grouped = new Set(groups.map((g) => g.create));
  const postsByFolder = new Map<string, OperationInfo[]>();
  for (const o of operations) {
    if (o.method !== 'POST') continue;
    const folder = folderOf(o.path);
    const posts = postsByFolder.get(folder);
    if (posts) posts.push(o);
    else postsByFolder.set(folder, [o]);
  }
  for (const create of operations.filter((o) => o.kind === 'create' && o.method === 'POST' && !o.path.includes('{'))) {
    if (grouped.has(create)) continue;
    const noun = create.id.replace(CREATE_VERBS_PREFIX, '').replace(/Unversioned$/, '');
    if (!noun) continue;
    const idField = `${snake(noun)}_id`;
    const folder = folderOf(create.path);
    const siblings = (postsByFolder.get(folder) ?? []).filter((o) => o !== create);
    const naming = siblings.filter((o) => requiredBodyFields(o).includes(idField));
    if (naming.length === 0) continue;
    out.push({
      name: `${folder}/* (${snake(noun)})`,
      idField,
      create,
      read: naming.find((o) => o.kind === 'read'),
      list: siblings.find((o) => o.kind === 'read' && !requiredBodyFields(o).includes(idField)),
      // Updates that carry something beyond the id (store_session_data), before those that do not (close_session).
      updates: naming
        .filter((o) => o.kind === 'update')
        .sort((a, b) => Number(requiredBodyFields(b).length > 1) - Number(requiredBodyFields(a).length > 1)),
      delete: naming.find((o) => o.kind === 'delete'),
    });
  }
  return out;
}

/**
 * REST collections by path structure: a POST on `/x` creating objects that a
 * GET on `/x/{id}` reads is a group; PUT/PATCH and DELETE on `/x/{id}` update
 * and delete them; a GET on `/x` lists them. Nested collections get the group
 * whose item path is their prefix as parent.
 */
function findGroups(operations: OperationInfo[]): ResourceGroup[] {
  const groups: ResourceGroup[] = [];
  // Indexes, so that inference stays linear in the operations (Microsoft Graph has 22,361).
  const byRoute = new Map<string, OperationInfo>();
  for (const o of operations) if (!byRoute.has(`${o.method} ${o.path}`)) byRoute.set(`${o.method} ${o.path}`, o);
  const at = (method: string, path: string) => byRoute.get(`${method} ${path}`);
  const itemReads = itemReadsByCollection(operations);
  const byItemPath = new Map<string, ResourceGroup[]>();
  const creates = operations.filter((o) => o.method === 'POST' && o.kind === 'create').sort((a, b) => a.path.length - b.path.length);
  for (const create of creates) {
    const found = itemReads.get(create.path);
    // A create or read that documents no success (contract-p.fit's documents only its 403) makes no scenario.
    if (!found || !documentsSuccess(create) || !documentsSuccess(found.read)) continue;
    const { read, itemParam } = found;
    // The parent: the group with the longest item path that is a prefix of this collection.
    let parent: ResourceGroup | undefined;
    for (let cut = create.path.lastIndexOf('/'); cut > 0 && !parent; cut = create.path.lastIndexOf('/', cut - 1)) {
      parent = byItemPath.get(create.path.slice(0, cut))?.[0];
    }
    const group: ResourceGroup = {
      name: create.path.replace(/^\//, ''),
      collectionPath: create.path,
      itemPath: read.path,
      itemParam,
      create,
      read,
      list: at('GET', create.path),
      update: at('PATCH', read.path) ?? at('PUT', read.path),
      delete: at('DELETE', read.path),
      parent,
    };
    groups.push(group);
    const same = byItemPath.get(read.path);
    if (same) same.push(group);
    else byItemPath.set(read.path, [group]);
  }
  return groups;
}

/**
 * The first GET (in spec order) of an item of each collection path: `GET /x/{id}` under `/x`,
 * with the name of its last path parameter.
 */
function itemReadsByCollection(operations: readonly OperationInfo[]): Map<string, { read: OperationInfo; itemParam: string }> {
  const out = new Map<string, { read: OperationInfo; itemParam: string }>();
  for (const o of operations) {
    if (o.method !== 'GET') continue;
    const m = /^(.*)\/\{([^}/]+)\}$/.exec(o.path);
    if (m && !out.has(m[1] ?? '')) out.set(m[1] ?? '', { read: o, itemParam: m[2] ?? '' });
  }
  return out;
}

const singular = (word: string) =>
  word
    .replace(/ies$/, 'y')
    .replace(/(ss|x|ch|sh)es$/, '$1')
    .replace(/s$/, '');

/**
 * The members that may hold the id of a group's objects, most likely first: the item path
 * parameter's own name (`petId`), `id`, `<noun>Id` / `<noun>_id` (`topicId` under `/topics`),
 * `name`, `key`, `uuid`, `slug`. The generic twin stores ids in the first its schemas declare;
 * the suite looks for the id of what it created in them.
 */
export function idMembers(group: ResourceGroup): string[] {
  const noun = singular(group.collectionPath.split('/').pop() ?? '');
  // The item parameter's last word, where it names a member of its own (Runscope reads
  // `/buckets/{bucketKey}` by the bucket's `key`, though the bucket has a `name` too).
  const word = /(?:[a-z0-9]|^)_?([A-Z]?[a-z]+)$/.exec(group.itemParam)?.[1]?.toLowerCase();
  const own =
    word !== undefined && word !== group.itemParam.toLowerCase() && ['key', 'name', 'uuid', 'slug', 'code'].includes(word) ? [word] : [];
  return [...new Set([group.itemParam, ...own, 'id', `${noun}Id`, `${noun}_id`, 'name', 'key', 'uuid', 'slug'])];
}

/** The path parameters of a template, in order. */
export function pathParams(template: string): string[] {
  return [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '');
}

/** The last path parameter that names an object (not an enum, such as a relationship type). */
export function objectParam(op: OperationInfo): string | undefined {
  return pathParams(op.path)
    .filter(
      (name) => !flatten(op.parameters.find((p) => p.in === 'path' && p.name === name)?.schema as OpenAPIV3.SchemaObject | undefined)?.enum,
    )
    .pop();
}

/**
 * A parameter's documented example (its own, else its schema's), unless its schema's enum leaves it
 * out: Azure's network specs give `api-version` the example `2018-10-01` and the enum `[2017-03-30]`.
 */
function documentedValue(p: OpenAPIV3.ParameterObject): unknown {
  const schema = p.schema as OpenAPIV3.SchemaObject | undefined;
  const example = firstExample(p) ?? schema?.example;
  return example !== undefined && Array.isArray(schema?.enum) && !schema.enum.includes(example) ? undefined : example;
}

/** A documented example value of a parameter (its own, then its schema's, then one made from the schema). */
export function parameterExample(p: OpenAPIV3.ParameterObject): unknown {
  const own = documentedValue(p);
  const empty = own === '' || (Array.isArray(own) && own.length === 0);
  if (own !== undefined && !(p.in === 'path' && empty)) return own;
  const schema = p.schema as OpenAPIV3.SchemaObject | undefined;
  // An empty path segment is no value (PeerTube's job `state` lists '' first, for "any").
  if (p.in !== 'path') return schema?.default ?? schema?.enum?.[0] ?? sampleFromSchema(schema);
  // Nor is an empty list (TfL's `/Line/Mode/{modes}`): it goes with one item.
  if (schema?.type === 'array') {
    const listed = sampleFromSchema(schema);
    const item = sampleFromSchema(itemsOf(flatten(schema))) ?? 'x';
    return Array.isArray(listed) && String(listed) !== '' ? listed : [String(item) === '' ? 'x' : item];
  }
  const filled = (v: unknown) => (v === '' ? undefined : v);
  return (
    filled(schema?.default) ??
    schema?.enum?.find((v) => v !== '') ??
    filled(sampleFromSchema(schema && { ...schema, default: undefined })) ??
    'x'
  );
}

/** Query parameters that page a list, by what they mean (the generic twin pages by them too). */
export const PAGE_SIZE = /^(\$?top|limit|per_?page|page_?size|pagesize|size|count|max|max_?results|maxresults|first)$/i;
export const OFFSET = /^(\$?skip|offset|start|start_?index|from)$/i;
export const PAGE = /^(page|page_?number|pagenumber|page_?index)$/i;

/**
 * The query of a list read that looks for an object: the first page, as large as the operation
 * allows (up to 100), and no optional filter. The documented examples would filter or page the
 * object out on a real server too (VTEX's `page=3`, Postmark's `count=1`).
 */
function listingQuery(op: OperationInfo): { query: Record<string, unknown>; skip: Set<string> } {
  const query: Record<string, unknown> = {};
  const skip = new Set<string>();
  for (const p of op.parameters) {
    if (p.in !== 'query') continue;
    if (!p.required) {
      skip.add(p.name);
      continue;
    }
    const s = flatten(p.schema as OpenAPIV3.SchemaObject | undefined);
    if (s?.type !== 'integer' && s?.type !== 'number') continue;
    if (PAGE_SIZE.test(p.name)) query[p.name] = Math.max(s.minimum ?? 1, Math.min(s.maximum ?? 100, 100));
    else if (OFFSET.test(p.name)) query[p.name] = s.minimum ?? 0;
    else if (PAGE.test(p.name)) query[p.name] = s.minimum ?? 1;
  }
  return { query, skip };
}

/** Fills a path template and adds the query parameters that have examples (a listing's: see `listingQuery`). */
export function buildPath(
  op: OperationInfo,
  overrides: Record<string, unknown> = {},
  given: Record<string, unknown> = {},
  opts: { listing?: boolean } = {},
): string {
  const listing = opts.listing ? listingQuery(op) : undefined;
  const query = { ...listing?.query, ...given };
  const values: Record<string, unknown> = {};
  for (const p of op.parameters) {
    if (p.in === 'path') values[p.name] = parameterExample(p);
  }
  Object.assign(values, overrides);
  // A fragment in a path template (`/#Action=Describe`, as some specs tell operations apart) is never sent (RFC 3986 §3.5).
  let path = op.path.replace(/#.*$/, '').replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(values[name] ?? name)));
  const search = new URLSearchParams();
  for (const p of op.parameters) {
    if (p.in !== 'query') continue;
    if (p.name in query || listing?.skip.has(p.name)) continue;
    const example = documentedValue(p);
    if (example === undefined && !p.required) continue;
    let value = example ?? parameterExample(p);
    // A required array goes with one item at least (Cloud Storage's `permissions`), else it is not sent at all.
    if (p.required && Array.isArray(value) && value.length === 0) {
      value = [sampleFromSchema(itemsOf(flatten(p.schema as OpenAPIV3.SchemaObject | undefined))) ?? 'x'];
    }
    // So does a required object (microcks's `queryMap`, a map of criteria): one member of what it maps to.
    if (p.required && isObject(value) && Object.keys(value).length === 0) {
      const members = flatten(p.schema as OpenAPIV3.SchemaObject | undefined)?.additionalProperties;
      value = { property1: (isObject(members) ? sampleFromSchema(members as OpenAPIV3.SchemaObject) : undefined) ?? 'x' };
    }
    addQuery(search, p, value);
  }
  for (const [k, v] of Object.entries(query)) search.set(k, String(v));
  const qs = search.toString();
  // A template may carry a query string of its own (icons8's `/categories?platform={platform}`).
  if (qs) path += `${path.includes('?') ? '&' : '?'}${qs}`;
  return path;
}

/** Header parameters with their examples: the required ones, and the others that have an example (Accept and Content-Type aside). */
export function exampleHeaders(op: OperationInfo): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of op.parameters) {
    if (p.in !== 'header' || /^(accept|content-type|authorization)$/i.test(p.name)) continue;
    const example = documentedValue(p);
    if (example === undefined && !p.required) continue;
    const value = example ?? parameterExample(p);
    out[p.name] = Array.isArray(value) ? value.map(String).join(',') : isObject(value) ? JSON.stringify(value) : String(value ?? 'x');
  }
  return out;
}

/**
 * A query parameter's value the way OpenAPI's default `style: form` sends
 * it: an exploded object as its own keys (`?a=1&b=2`), an exploded array as
 * the name repeated, anything else as one value; a `deepObject` as `name[key]=value`.
 */
function addQuery(search: URLSearchParams, p: OpenAPIV3.ParameterObject, value: unknown): void {
  const explode = p.explode ?? (p.style === undefined || p.style === 'form');
  if (isObject(value) && p.style === 'deepObject') {
    // `?start[lte]=…&start[gte]=…` (OpenAPI 3.0.3 §4.7.12.4.1).
    for (const [k, v] of Object.entries(value)) search.append(`${p.name}[${k}]`, v === null || v === undefined ? '' : String(v));
  } else if (isObject(value)) {
    if (explode) for (const [k, v] of Object.entries(value)) search.append(k, v === null || v === undefined ? '' : String(v));
    else search.set(p.name, Object.entries(value).flat().map(String).join(','));
  } else if (Array.isArray(value)) {
    if (explode) for (const v of value) search.append(p.name, String(v));
    else search.set(p.name, value.map(String).join(','));
  } else {
    search.set(p.name, String(value));
  }
}

/** Keywords `flatten` merges itself; any other keyword of an allOf part is taken where the schema has none. */
const FLATTENED_KEYWORDS = new Set([
  'allOf',
  'properties',
  'required',
  'type',
  'additionalProperties',
  'oneOf',
  'anyOf',
  'not',
  'description',
  'title',
]);

/** Flattens `allOf` so a schema's properties, required names and additionalProperties can be read directly. */
export function flatten(schema: OpenAPIV3.SchemaObject | undefined): OpenAPIV3.SchemaObject | undefined {
  if (!schema?.allOf) return schema;
  const parts = [schema, ...(schema.allOf as OpenAPIV3.SchemaObject[]).map((s) => flatten(s) ?? {})];
  const merged: OpenAPIV3.SchemaObject = { ...schema };
  delete merged.allOf;
  const properties: Record<string, OpenAPIV3.SchemaObject> = {};
  const required = new Set<string>();
  for (const part of parts) {
    Object.assign(properties, part.properties ?? {});
    for (const r of part.required ?? []) required.add(r);
    if (part.type && !merged.type) Object.assign(merged, { type: part.type });
    // A member wrapped in an allOf (AWS wraps every member so) keeps what its part says of it:
    // an array's items, a string's pattern, format and lengths, an enum, bounds.
    for (const [k, v] of Object.entries(part)) {
      if (!FLATTENED_KEYWORDS.has(k) && !(k in merged)) Object.assign(merged, { [k]: v });
    }
    // A part that is a choice (InfluxDB's `PostCheck: allOf: [CheckDiscriminator]`, a oneOf) makes the whole one.
    for (const k of ['oneOf', 'anyOf'] as const) {
      if (part !== schema && part[k] && !merged.oneOf && !merged.anyOf) merged[k] = part[k];
    }
    // One branch forbidding unknown fields makes the whole allOf forbid them.
    if (part.additionalProperties === false) merged.additionalProperties = false;
    else if (merged.additionalProperties === undefined && part.additionalProperties !== undefined)
      merged.additionalProperties = part.additionalProperties;
  }
  if (Object.keys(properties).length) merged.properties = properties;
  if (required.size) merged.required = [...required];
  return merged;
}

/** The JSON types a schema admits (from `type`, or the branches of oneOf/anyOf); empty means any. */
export function typesOf(schema: OpenAPIV3.SchemaObject | undefined): string[] {
  const s = flatten(schema);
  if (!s) return [];
  if (s.type) return [s.type, ...(s.nullable ? ['null'] : [])];
  const branches = (s.oneOf ?? s.anyOf ?? []) as OpenAPIV3.SchemaObject[];
  if (branches.length) {
    const all = branches.map(typesOf);
    return all.some((t) => t.length === 0) ? [] : [...new Set(all.flat())];
  }
  if (s.properties) return ['object'];
  return [];
}

/** Whether a value is of the JSON type a schema declares (any, where it declares none). */
function ofType(s: OpenAPIV3.SchemaObject, value: unknown): boolean {
  switch (s.type) {
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    default:
      return true;
  }
}

/** A minimal valid value made from a schema: required properties only. */
export function sampleFromSchema(schema: OpenAPIV3.SchemaObject | undefined, depth = 0): unknown {
  const s = flatten(schema);
  if (!s || depth > 8) return undefined;
  // A schema's own example or default, where it is of the schema's type (noosh documents `"1"` for an integer).
  if (s.example !== undefined && ofType(s, s.example)) return s.example;
  if (s.default !== undefined && ofType(s, s.default)) return s.default;
  if (s.enum?.length) return s.enum[0];
  const branch = (s.oneOf ?? s.anyOf)?.[0] as OpenAPIV3.SchemaObject | undefined;
  if (branch) {
    // A branch that only adds to the schema beside it (InfluxDB's DBRP: `properties` beside a oneOf
    // of `required` lists) is that schema with the branch's demands.
    const { oneOf: _o, anyOf: _a, ...rest } = s;
    const own = rest.type !== undefined || rest.properties !== undefined;
    const b = flatten(branch) ?? {};
    const merged: OpenAPIV3.SchemaObject = own
      ? ({
          ...rest,
          ...b,
          type: (b.type ?? rest.type) as OpenAPIV3.NonArraySchemaObjectType,
          properties: { ...rest.properties, ...b.properties },
          required: [...new Set([...(rest.required ?? []), ...(b.required ?? [])])],
        } as OpenAPIV3.SchemaObject)
      : branch;
    return sampleFromSchema(merged, depth + 1);
  }
  switch (s.type ?? (s.properties ? 'object' : undefined)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const name of s.required ?? []) out[name] = sampleFromSchema(s.properties?.[name] as OpenAPIV3.SchemaObject, depth + 1);
      // As many members as it must have (AppConfig's `Actions: minProperties 1`, Webflow's updates):
      // its declared ones first, then free ones of its additionalProperties' schema.
      const free = typeof s.additionalProperties === 'object' ? (s.additionalProperties as OpenAPIV3.SchemaObject) : undefined;
      const optional = Object.keys(s.properties ?? {}).filter((name) => !(name in out));
      for (let n = 1; Object.keys(out).length < (s.minProperties ?? 0) && n <= 100; n += 1) {
        const name = optional.shift();
        if (name !== undefined) out[name] = sampleFromSchema(s.properties?.[name] as OpenAPIV3.SchemaObject, depth + 1) ?? 'x';
        else if (s.additionalProperties === false) break;
        else out[`property${n}`] = sampleFromSchema(free, depth + 1) ?? 'x';
      }
      return out;
    }
    case 'array': {
      // As many items as it must have (AWS's `Rules: minItems 1`), each made from the item schema.
      const item = (s.minItems ?? 0) > 0 ? sampleFromSchema(itemsOf(s), depth + 1) : undefined;
      return item === undefined ? [] : Array.from({ length: s.minItems ?? 1 }, () => structuredClone(item));
    }
    case 'integer':
    case 'number':
      return s.minimum ?? (s.maximum !== undefined && s.maximum < 1 ? s.maximum : 1);
    case 'boolean':
      return true;
    case 'string': {
      if (s.format === 'date-time') return new Date(0).toISOString();
      if (s.format && BY_FORMAT[s.format] !== undefined) return BY_FORMAT[s.format];
      const plain = 'x'.repeat(Math.max(1, s.minLength ?? 1));
      // A value its pattern takes (a spec without examples still gets a request it accepts).
      return s.pattern ? (stringMatching(s.pattern, '', { min: s.minLength, max: s.maxLength }) ?? plain) : plain;
    }
    default:
      // A schema that says nothing of its type takes anything: a value, so a required member is sent.
      return 'x';
  }
}

const isFormMedia = (mediaType: string) => /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(mediaType);

/**
 * A form carries an array as its repeated field, so an empty array is no field at all: a required
 * one is given an item (Twilio's `TestUsers: []` would be sent as a form without `TestUsers`).
 */
export function withFormArraysFilled(schema: OpenAPIV3.SchemaObject | undefined, value: unknown): unknown {
  const s = flatten(schema);
  if (!s || !isObject(value)) return value;
  const out = { ...value };
  for (const name of s.required ?? []) {
    const member = flatten(s.properties?.[name] as OpenAPIV3.SchemaObject | undefined);
    if (Array.isArray(out[name]) && (out[name] as unknown[]).length === 0 && member && (member.maxItems ?? 1) > 0) {
      out[name] = [sampleFromSchema(itemsOf(member)) ?? 'x'];
    }
  }
  return out;
}

/** The item schema of an array schema. */
export function itemsOf(schema: OpenAPIV3.SchemaObject | undefined): OpenAPIV3.SchemaObject | undefined {
  return schema && 'items' in schema ? (schema.items as OpenAPIV3.SchemaObject) : undefined;
}

/** The schema of a property path inside a schema, through allOf/oneOf and arrays. */
export function schemaAt(schema: OpenAPIV3.SchemaObject | undefined, path: (string | number)[]): OpenAPIV3.SchemaObject | undefined {
  let s = flatten(schema);
  for (const key of path) {
    if (!s) return undefined;
    if (typeof key === 'number') s = flatten(itemsOf(s));
    else {
      const prop = s.properties?.[key] as OpenAPIV3.SchemaObject | undefined;
      s = flatten(prop ?? (typeof s.additionalProperties === 'object' ? (s.additionalProperties as OpenAPIV3.SchemaObject) : undefined));
    }
  }
  return s;
}

/** The status codes documented for an operation, as numbers (ranges like 4XX are kept as their lowest code). */
export function documentedStatuses(op: OperationInfo): number[] {
  return Object.keys(op.responses)
    .filter((k) => k !== 'default')
    .map((k) => Number(k.replace(/XX$/i, '00')))
    .filter((n) => Number.isFinite(n));
}

export function isDocumented(op: OperationInfo, status: number): boolean {
  const r = op.responses;
  return r[String(status)] !== undefined || r[`${String(status)[0]}XX`] !== undefined || r.default !== undefined;
}

/** `GET /services/{name} (getService)` */
export function describeOperation(op: OperationInfo): string {
  return `${op.method} ${op.path} (${op.id})`;
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What an error answer says, to find the documented response that says it. */
export type ErrorKind = 'not-found' | 'invalid' | 'conflict' | 'unsupported-media' | 'too-large';

/** Words of a response's description or schema name that name each kind of error (`ResourceNotFoundException`, `ValidationError`…). */
const ERROR_WORDS: Record<ErrorKind, RegExp> = {
  'not-found': /not.?found|no.?such|does.?not.?exist|doesn.?t.?exist|\bgone\b|\bmissing\b/i,
  invalid: /validation|invalid|bad.?request|malformed|unprocessable|illegal|unsupported|not.?valid|syntax/i,
  conflict: /conflict|already.?exists|in.?use|duplicate/i,
  'unsupported-media': /media.?type|content.?type|unsupported/i,
  'too-large': /too.?large|too.?big|limit.?exceeded|size/i,
};

/** The words a documented response is known by: its description and its schema's title. */
function responseWords(r: OpenAPIV3.ResponseObject | undefined, names: string[] = []): string {
  const schemas = Object.values(r?.content ?? {}).map((m) => (m.schema as OpenAPIV3.SchemaObject | undefined)?.title ?? '');
  return [r?.description ?? '', ...schemas, ...names].join(' ');
}

/**
 * The documented 4xx responses (exact codes, AWS's 480–489 among them) whose description or schema
 * name says they answer an error of `kind`, in the order documented. `names` adds words a
 * response is known by that the dereferenced model has lost (its schema's `$ref` name).
 */
export function errorResponsesFor(op: OperationInfo, kind: ErrorKind, names: (key: string) => string[] = () => []): string[] {
  const words = ERROR_WORDS[kind];
  return Object.keys(op.responses).filter((k) => /^4\d\d$/.test(k) && words.test(responseWords(op.responses[k], names(k))));
}

/**
 * The statuses by which an operation says "no such object": 404 (and 410) where documented, else
 * a documented 4xx whose description or schema says not-found (AWS documents
 * `480: ResourceNotFoundException` and no 404); where it documents none of them but a 4XX range
 * or `default`, 404; else any 4xx it documents that is not an authentication refusal (how it says
 * it cannot do what was asked); else 404.
 */
export function notFoundStatuses(op: OperationInfo | undefined): number[] {
  if (!op) return [404];
  const exact = ['404', '410'].filter((k) => op.responses[k] !== undefined).map(Number);
  if (exact.length) return exact;
  const named = errorResponsesFor(op, 'not-found').map(Number);
  if (named.length) return named;
  if (Object.keys(op.responses).some((k) => /^4XX$/i.test(k) || k === 'default')) return [404];
  const clientErrors = Object.keys(op.responses).filter((k) => /^4\d\d$/.test(k));
  const others = clientErrors.filter((k) => !['401', '403', '407'].includes(k));
  // Only 401/403 documented (kubernetes.io's reads): a twin kept within the spec answers one of them.
  return (others.length ? others : clientErrors.length ? clientErrors : ['404']).map(Number);
}

/** Whether an operation documents a client error (a 4xx, a 4XX range or `default`): one that documents none cannot refuse within its contract. */
/** Whether an operation documents a success: a 2xx, a 2XX range or `default`. */
export const documentsSuccess = (op: OperationInfo): boolean => Object.keys(op.responses).some((k) => /^2/.test(k) || k === 'default');

export const documentsClientErrors = (op: OperationInfo): boolean => Object.keys(op.responses).some((k) => /^4/.test(k) || k === 'default');

/** The value at a path of member names and array indexes (`['data', '0', 'id']`), or undefined. */
export function valueAt(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const key of path) node = isObject(node) || Array.isArray(node) ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}
