/**
 * The behaviour of a generic twin: one handler per operation of any spec.
 *
 * - An operation with a role in an inferred resource (resources.ts) works on
 *   stored objects: create, read, list (paged where the spec declares paging
 *   parameters), update (PATCH merges), replace (PUT), delete; an unknown id,
 *   or a parent that does not exist, is a 404.
 * - Any other operation answers its documented response: the example, else a
 *   value built from the schema (Prism's behaviour, without state).
 * - `Prefer: code=N` / `example=NAME` picks a documented response instead
 *   (src/admin/responses.ts, shared with the admin API of the hand-made twins).
 *
 * Every body is shaped by the response schema (shape.ts) and checked against
 * it here, so that what the state holds never makes the twin break its spec;
 * the router checks it once more before it leaves.
 */
import type { ErrorObject } from 'ajv';
import Negotiator from 'negotiator';
import { sample } from 'openapi-sampler';
import type { OpenAPIV3 } from 'openapi-types';
import {
  documentsClientErrors,
  type ErrorKind,
  errorResponsesFor,
  flatten,
  idMembers,
  isObject,
  OFFSET,
  type OperationInfo,
  PAGE,
  PAGE_SIZE,
  type SpecModel,
  schemaAt,
} from '../../contract-tests/engine/spec.js';
import { DocumentedResponses, deref, parsePrefer } from '../admin/responses.js';
import { ApiError, Errors } from '../errors.js';
import { isFramingHeader } from '../http/framing.js';
import type { RawHandler, RawRequest } from '../http/openapi-router.js';
import type { HandlerResult } from '../http/types.js';
import { matchesPattern } from '../spec/values.js';
import type { KvStore } from '../store/kv.js';
import { MemoryKvStore } from '../store/memory.js';
import { HTTP_METHODS } from './load.js';
import { collectionOf, IdGenerator, idKey, inferResources, type Resource, type Role, seedFromExamples } from './resources.js';
import {
  beginRepair,
  contentTypeFor,
  documentedExample,
  fixByErrors,
  isJsonMediaType,
  overlay,
  pickMediaType,
  pruneByErrors,
  repair,
  sampleOf,
} from './shape.js';

type Schema = OpenAPIV3.SchemaObject;

/** Validates a response body against an operation's documented response for a status (the router's validator). */
export type ResponseValidator = (operationId: string, status: number, body: unknown) => readonly ErrorObject[];

/** A body of a media type that is not JSON, sent as its text. */
export class RawBody {
  constructor(readonly text: string) {}
}

/** Names of the array member that carries a list inside an envelope, most likely first. */
const LIST_MEMBERS = ['data', 'items', 'results', 'value', 'records', 'entries', 'list', 'content', 'elements', 'objects', 'rows'];

/** Array members of an envelope that never carry its list. */
const NOT_LIST_MEMBERS = /^(errors?|warnings?|messages?|links|_links)$/i;

/** Names of members that carry an error's message or status, filled in error bodies. */
const MESSAGE_MEMBERS = /^(message|detail|details|error_?description|error_?message|errormessage|description|title|error|msg|reason)$/i;
const STATUS_MEMBERS = /^(code|status|status_?code|statuscode|http_?status|error_?code)$/i;

export interface GenericTwinOptions {
  model: SpecModel;
  /** The spec bundled (internal `$ref`s kept): what the sampler and `Prefer` read. */
  bundled: OpenAPIV3.Document;
  store?: KvStore;
  /** Seed objects from the spec's examples (default true; false when a data file gives the state). */
  seed?: boolean;
}

export class GenericTwin {
  readonly model: SpecModel;
  readonly resources: Resource[];
  readonly roles: Map<string, Role>;
  readonly store: KvStore;
  readonly documented: DocumentedResponses;
  /** Set by the app once the router exists. */
  validate: ResponseValidator = () => [];
  private readonly bundled: OpenAPIV3.Document;
  private readonly bundledOps = new Map<string, OpenAPIV3.OperationObject>();
  private readonly ids = new IdGenerator();
  /** Collections that exist, for deleting a parent's children with it. */
  private readonly collections = new Set<string>();
  private readonly samples = new Map<string, unknown>();

  constructor(opts: GenericTwinOptions) {
    this.model = opts.model;
    this.bundled = opts.bundled;
    this.store = opts.store ?? new MemoryKvStore();
    this.documented = new DocumentedResponses(opts.bundled, sample);
    for (const item of Object.values(opts.bundled.paths ?? {})) {
      for (const method of HTTP_METHODS) {
        const op = item?.[method];
        if (op?.operationId) this.bundledOps.set(op.operationId, op);
      }
    }
    const { resources, roles } = inferResources(opts.model);
    this.resources = resources;
    this.roles = roles;
    if (opts.seed !== false) this.reset();
  }

  /** Back to the initial state: the objects the spec's examples document. */
  reset(): void {
    this.store.clear();
    this.collections.clear();
    seedFromExamples(this.resources, this.trackingStore(), this.ids);
  }

  /** The store, noting each collection written to. */
  private trackingStore(): KvStore {
    const { store, collections } = this;
    return {
      ...store,
      get: (c, id) => store.get(c, id),
      list: (c) => store.list(c),
      put: (c, id, v) => {
        collections.add(c);
        store.put(c, id, v);
      },
      delete: (c, id) => store.delete(c, id),
      transaction: (fn) => store.transaction(fn),
      clear: () => store.clear(),
      close: () => store.close(),
    };
  }

  /** The state as a document: every stored object, by collection path and parent. */
  exportState(): { collections: { resource: string; parent: string[]; objects: unknown[] }[] } {
    const out: { resource: string; parent: string[]; objects: unknown[] }[] = [];
    for (const c of this.collections) {
      const [resource = '', ...parent] = c.split('\u0000');
      const objects = this.store.list(c);
      if (objects.length) out.push({ resource, parent: parent.filter((p) => p !== ''), objects });
    }
    return { collections: out };
  }

  /** Replaces the state with an exported one (`--data-file`, the admin API's state import). */
  importState(state: unknown): void {
    const collections = isObject(state) && Array.isArray(state.collections) ? state.collections : undefined;
    if (!collections) throw ApiError.from(Errors.BAD_REQUEST, 'a state document has a `collections` array');
    this.store.transaction(() => {
      this.store.clear();
      this.collections.clear();
      const tracking = this.trackingStore();
      for (const c of collections) {
        if (!isObject(c) || typeof c.resource !== 'string' || !Array.isArray(c.objects)) {
          throw ApiError.from(Errors.BAD_REQUEST, 'each collection has `resource` (a collection path) and `objects`');
        }
        const resource = this.resources.find((r) => r.group.collectionPath === c.resource);
        if (!resource) throw ApiError.from(Errors.BAD_REQUEST, `no resource of the spec is at ${c.resource}`);
        const parent = Array.isArray(c.parent) ? c.parent.map(String) : [];
        const params = Object.fromEntries(resource.parentParams.map((p, i) => [p, parent[i] ?? '']));
        for (const o of c.objects) {
          if (!isObject(o) || o[resource.idProp] === undefined) {
            throw ApiError.from(Errors.BAD_REQUEST, `each object of ${c.resource} has its id member '${resource.idProp}'`);
          }
          tracking.put(collectionOf(resource, params), idKey(o[resource.idProp]), o);
          this.ids.reserve(o[resource.idProp]);
        }
      }
    });
  }

  /** One handler per operationId. */
  handlers(): Record<string, RawHandler<RequestInfo, undefined>> {
    const out: Record<string, RawHandler<RequestInfo, undefined>> = {};
    for (const op of this.model.operations) out[op.id] = (req, info) => this.handle(op, req, info);
    return out;
  }

  private handle(op: OperationInfo, req: RawRequest<undefined>, info: RequestInfo): HandlerResult {
    return this.negotiated(op, this.decide(op, req, info), info.accept);
  }

  /**
   * The answer in the documented media type the client asks for (`Accept`, RFC 9110 §12.5.1) when
   * the one chosen is not acceptable and the status documents another that is: archive.org's
   * fields come as application/json or application/javascript. Nothing acceptable: the answer as
   * chosen (a client that asks for what the spec never sends still learns what it does).
   */
  private negotiated(op: OperationInfo, result: HandlerResult, accept: string | undefined): HandlerResult {
    const sent = result.headers?.['Content-Type'];
    if (!accept || typeof sent !== 'string') return result;
    const s = String(result.status);
    const content = (op.responses[s] ?? op.responses[`${s[0]}XX`] ?? op.responses.default)?.content;
    const documented = Object.keys(content ?? {});
    if (documented.length < 2) return result;
    const negotiator = new Negotiator({ headers: { accept } });
    if (negotiator.mediaTypes([sent.split(';')[0]?.trim() ?? sent]).length) return result;
    const [wanted] = negotiator.mediaTypes(documented.map((m) => m.split(';')[0]?.trim() ?? m));
    const media = documented.find((m) => (m.split(';')[0]?.trim() ?? m) === wanted);
    if (media === undefined) return result;
    const headers = { ...result.headers, 'Content-Type': contentTypeFor(media) };
    if (isJsonMediaType(media)) return { ...result, headers };
    const text =
      result.body instanceof RawBody
        ? result.body
        : new RawBody(typeof result.body === 'string' ? result.body : (JSON.stringify(result.body) ?? 'apitwin'));
    return { ...result, headers, body: text };
  }

  private decide(op: OperationInfo, req: RawRequest<undefined>, info: RequestInfo): HandlerResult {
    const prefer = parsePrefer(info.prefer);
    if (prefer) {
      const chosen =
        prefer.example !== undefined
          ? this.documented.forExample(op.id, prefer.example, prefer.code)
          : this.documented.forStatus(op.id, prefer.code ?? 200);
      if (!chosen) {
        const asked = prefer.example !== undefined ? `an example named '${prefer.example}'` : `status ${prefer.code}`;
        throw ApiError.from(Errors.NOT_FOUND, `${op.id} documents no response with ${asked} (Prefer)`);
      }
      return this.withMedia(op, chosen);
    }
    const role = this.roles.get(op.id);
    if (!role) return this.answer(op, undefined);
    try {
      return this.store.transaction(() => this.act(op, role, req));
    } catch (err) {
      // An operation that documents no client error at all cannot say "no such object" within its
      // spec (GitLab's v3 documents only 200 for its reads): it answers its documented response, as
      // a stateless mock (Prism) would, with the id asked for, and the state is left as it was.
      if (err instanceof ApiError && err.code === Errors.NOT_FOUND.code && !documentsClientErrors(op)) {
        const id = req.params[role.resource.group.itemParam];
        const purpose = role.kind === 'create' || role.kind === 'delete' || role.kind === 'list' ? role.kind : undefined;
        const stored = role.kind === 'list' ? [] : id === undefined ? undefined : { [role.resource.idProp]: id };
        return this.answer(op, stored, purpose, role.resource);
      }
      throw err;
    }
  }

  private act(op: OperationInfo, role: Role, req: RawRequest<undefined>): HandlerResult {
    const { resource } = role;
    const params = req.params;
    // An operation that documents no client error cannot refuse a missing parent within its spec:
    // its objects are kept under the parent named all the same (Drive's comments of a file it never saw).
    if (documentsClientErrors(op)) this.requireParent(resource, params);
    const collection = collectionOf(resource, params);
    const store = this.trackingStore();
    const id = params[resource.group.itemParam];
    const existing = () => {
      const found = store.get<Record<string, unknown>>(collection, idKey(id));
      if (!found) throw ApiError.from(Errors.NOT_FOUND, `No ${resource.group.name} object with id '${String(id)}'`);
      return found;
    };
    const body = isObject(req.body) ? req.body : {};
    switch (role.kind) {
      case 'create': {
        const given = body[resource.idProp];
        const readOnly = resource.idSchema?.readOnly === true;
        // The id the body names, where the item path can address it (Amplify names apps freely but
        // reads them at `/apps/{appId}` with `appId: d[a-z0-9]+`); else one made in the path's format.
        const pathSchema = itemParamSchema(resource);
        const usable = given !== undefined && given !== null && !isObject(given) && !readOnly;
        const made = () => {
          const id = this.ids.make(resource.idSchema);
          return addressable(pathSchema, id) ? id : this.ids.make(pathSchema);
        };
        const newId = usable && addressable(pathSchema, given) ? given : made();
        this.ids.reserve(newId);
        const object = { ...body, [resource.idProp]: newId };
        store.put(collection, idKey(newId), object);
        const created = this.answer(op, object, 'create');
        // What the answer filled in that the request did not send (the Pet Store's `tags`, from the
        // create's example) is the object's from now on: a read or a list shows what the create answered.
        if (isObject(created.body) && created.body[resource.idProp] === newId) {
          store.put(collection, idKey(newId), { ...structuredClone(created.body), ...object });
        }
        // Where the new object is (RFC 9110 §10.2.2), for a client whose create answers no body.
        const location = resource.group.itemPath.replace(/\{([^}]+)\}/g, (_, name: string) =>
          encodeURIComponent(String(name === resource.group.itemParam ? newId : params[name])),
        );
        // It wins over a documented `Location` header's sample (authentiq's `"string"`): the header says where the object is.
        const documented = Object.fromEntries(Object.entries(created.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'location'));
        return { ...created, headers: { ...documented, Location: location } };
      }
      case 'read':
        return this.answer(op, existing());
      case 'list':
        return this.answer(op, this.page(op, store.list(collection), req.query), 'list', resource);
      case 'update': {
        const object = { ...existing(), ...body, [resource.idProp]: existing()[resource.idProp] };
        store.put(collection, idKey(id), object);
        return this.answer(op, object);
      }
      case 'replace': {
        const object = { ...body, [resource.idProp]: existing()[resource.idProp] };
        store.put(collection, idKey(id), object);
        return this.answer(op, object);
      }
      case 'delete': {
        const object = existing();
        store.delete(collection, idKey(id));
        this.deleteChildren(resource, { ...params, [resource.group.itemParam]: id });
        return this.answer(op, object, 'delete');
      }
    }
  }

  /** A nested collection belongs to an object: creating, reading or listing under one that does not exist is a 404. */
  private requireParent(resource: Resource, params: Record<string, unknown>): void {
    const parent = resource.parent;
    if (!parent) return;
    this.requireParent(parent, params);
    const id = params[parent.group.itemParam];
    if (!this.store.get(collectionOf(parent, params), idKey(id))) {
      throw ApiError.from(Errors.NOT_FOUND, `No ${parent.group.name} object with id '${String(id)}'`);
    }
  }

  private deleteChildren(resource: Resource, params: Record<string, unknown>): void {
    for (const child of resource.children) {
      const prefix = collectionOf(child, params);
      const own = resource.parentParams.length + 1;
      for (const c of [...this.collections]) {
        const parts = c.split('\u0000');
        if (!c.startsWith(`${child.group.collectionPath}\u0000`)) continue;
        if (
          parts.slice(1, own + 1).join('\u0000') !==
          prefix
            .split('\u0000')
            .slice(1, own + 1)
            .join('\u0000')
        )
          continue;
        for (const o of this.store.list<Record<string, unknown>>(c)) {
          this.store.delete(c, idKey(o[child.idProp]));
          this.deleteChildren(child, { ...params, [child.group.itemParam]: o[child.idProp] });
        }
        this.collections.delete(c);
      }
    }
  }

  /** The page of a list the request asks for, where the operation declares paging parameters. */
  private page(op: OperationInfo, items: unknown[], query: Record<string, unknown>): unknown[] {
    let size: number | undefined;
    let offset = 0;
    let page: number | undefined;
    for (const p of op.parameters) {
      if (p.in !== 'query') continue;
      const value = Number(query[p.name]);
      if (query[p.name] === undefined || !Number.isFinite(value)) continue;
      if (PAGE_SIZE.test(p.name)) size = Math.max(0, Math.floor(value));
      else if (OFFSET.test(p.name)) offset = Math.max(0, Math.floor(value));
      else if (PAGE.test(p.name)) page = Math.floor(value);
    }
    if (page !== undefined && size !== undefined) offset += Math.max(0, page - 1) * size;
    return items.slice(offset, size === undefined ? undefined : offset + size);
  }

  /** The documented success status of an operation: 201 for a create, 204 for a delete, where documented; else the lowest 2xx. */
  private successStatus(op: OperationInfo, purpose: 'create' | 'list' | 'delete' | undefined): { status: number; key: string } {
    const keys = Object.keys(op.responses);
    const twoXX = keys.filter((k) => /^2\d\d$/.test(k)).sort();
    const prefer = purpose === 'create' ? ['201', '200'] : purpose === 'delete' ? ['204', '200'] : ['200'];
    // No 2xx at all: the redirect it documents (Jira's deletes answer 303 See Other), else `default`,
    // else the lowest status it documents (CoWIN's certificate download documents only its 400).
    const key =
      prefer.find((k) => twoXX.includes(k)) ??
      twoXX[0] ??
      keys.find((k) => /^2XX$/i.test(k)) ??
      keys.filter((k) => /^3\d\d$/.test(k)).sort()[0] ??
      keys.find((k) => k === 'default') ??
      keys.filter((k) => /^\d{3}$/.test(k)).sort()[0];
    if (key === undefined) return { status: 200, key: '200' };
    return { status: /^\d{3}$/.test(key) ? Number(key) : 200, key };
  }

  /** The answer of an operation, shaped by its documented success response and built from `stored` where given. */
  answer(op: OperationInfo, stored: unknown, purpose?: 'create' | 'list' | 'delete', resource?: Resource): HandlerResult {
    const { status, key } = this.successStatus(op, purpose);
    return this.respond(op, status, key, stored, purpose === 'list', resource);
  }

  /** A documented response (its status's or range's or default's) with a body from `stored` laid over the documented one. */
  respond(op: OperationInfo, status: number, key: string, stored: unknown, list = false, resource?: Resource): HandlerResult {
    const response = op.responses[key];
    const headers = this.headersOf(op, key);
    const media = pickMediaType(response?.content);
    if (!response || media === undefined) return { status, headers };
    headers['Content-Type'] = contentTypeFor(media);
    const mediaObject = response.content?.[media];
    const schema = mediaObject?.schema as Schema | undefined;
    const base = this.baseBody(op, key, media);
    // XML (AWS's Route 53) is answered as the JSON of its schema, as its sample is: built from the state too.
    if (/[/+]xml\b/i.test(media) && stored !== undefined && isObject(base)) {
      const built = list ? this.listBody(schema, base, stored as unknown[], resource) : this.objectBody(schema, base, stored);
      return { status, headers, body: new RawBody(textOf(built)) };
    }
    // Not JSON (audio, images, text): the documented example or sample, else a few bytes, never nothing where a body is documented.
    if (!isJsonMediaType(media)) return { status, headers, body: new RawBody(textOf(base) || 'apitwin') };
    let body = base;
    if (stored !== undefined)
      body = list ? this.listBody(schema, base, stored as unknown[], resource) : this.objectBody(schema, base, stored);
    return { status, headers, body: this.conforming(op.id, status, body, base) };
  }

  /** The documented example of a response's media type, else a sample of its schema (kept per operation and status). */
  private baseBody(op: OperationInfo, key: string, media: string): unknown {
    const cacheKey = `${op.id}\u0000${key}\u0000${media}`;
    if (this.samples.has(cacheKey)) return structuredClone(this.samples.get(cacheKey));
    const bundledOp = this.bundledOps.get(op.id);
    const response = bundledOp
      ? deref<OpenAPIV3.ResponseObject>(this.bundled, bundledOp.responses?.[key] ?? { description: '' })
      : undefined;
    const bundledMedia = response?.content?.[media];
    let base = documentedExample(bundledMedia as { example?: unknown; examples?: Record<string, unknown> } | undefined, (ex) =>
      deref(this.bundled, ex as OpenAPIV3.ReferenceObject),
    );
    if (isObject(base) && typeof base.$ref === 'string') base = undefined;
    // An example of a JSON body written as its text (Jira's and Zuora's `"example": "{\"id\": …}"`):
    // the JSON it spells, where the schema does not ask for a string.
    if (
      typeof base === 'string' &&
      isJsonMediaType(media) &&
      /^\s*[[{]/.test(base) &&
      flatten(bundledMedia?.schema as Schema)?.type !== 'string'
    ) {
      try {
        base = JSON.parse(base);
      } catch {
        // Not JSON after all: kept as the text it is.
      }
    }
    const valid = base !== undefined && (!isJsonMediaType(media) || this.validate(op.id, Number(key) || 200, base).length === 0);
    if (!valid) base = sampleOf(bundledMedia?.schema, this.bundled);
    if (base === undefined && isJsonMediaType(media)) base = null;
    if (isJsonMediaType(media)) base = this.conforming(op.id, Number(key) || 200, base, base);
    this.samples.set(cacheKey, base);
    return structuredClone(base);
  }

  /**
   * An object response: the stored object laid over the body, or over its envelope's member where
   * the object sits in one (AWS answers `{"graphqlApi": {…}}`): the member whose schema declares
   * more of the object's members than the body's own schema does.
   */
  private objectBody(schema: Schema | undefined, base: unknown, stored: unknown): unknown {
    const top = flatten(schema);
    if (!isObject(stored) || !top?.properties || !isObject(base)) return overlay(schema, base, stored);
    const keys = Object.keys(stored);
    const declared = (s: Schema | undefined) => {
      const props = flatten(s)?.properties ?? {};
      return keys.filter((k) => k in props).length;
    };
    let best: string | undefined;
    let score = declared(top);
    for (const [name, member] of Object.entries(top.properties) as [string, Schema][]) {
      if (keys.includes(name)) continue;
      const n = declared(member);
      if (n > score) {
        best = name;
        score = n;
      }
    }
    if (best === undefined) return overlay(schema, base, stored);
    const member = top.properties[best] as Schema;
    // What the answer declares beside the member keeps the stored values (Anchore answers its
    // policy bundle in `policybundle`, and the id it stores it by in `policyId` beside it).
    const beside = Object.fromEntries(Object.entries(stored).filter(([k]) => k !== best && top.properties && k in top.properties));
    return { ...base, ...beside, [best]: overlay(member, base[best], stored) };
  }

  /** A list response: each stored object shaped as an item, in the array itself or the envelope's array member. */
  private listBody(schema: Schema | undefined, base: unknown, stored: unknown[], resource?: Resource): unknown {
    const idProp = resource?.idProp;
    const collectionName = resource?.group.collectionPath.split('/').pop();
    // AWS's specs wrap each member in an allOf: flattened, it is the array it stands for.
    const arrayOf = (s: Schema | undefined): Schema | undefined => {
      if (!s) return undefined;
      if ('items' in s) return (s as OpenAPIV3.ArraySchemaObject).items as Schema;
      for (const part of (s.allOf ?? []) as Schema[]) {
        const items = arrayOf(part);
        if (items) return items;
      }
      return undefined;
    };
    // A list of ids rather than objects (`{"DetectorIds": ["…"]}`): each object's id.
    const scalar = (s: Schema | undefined) => ['string', 'integer', 'number'].includes(String(flatten(s)?.type));
    const itemsFor = (s: Schema | undefined) =>
      scalar(s) && idProp !== undefined ? stored.map((o) => (isObject(o) ? o[idProp] : o)) : withIdAlias(s, stored, resource);
    const itemSchema = arrayOf(schema);
    const items = itemsFor(itemSchema);
    if (itemSchema || Array.isArray(base)) {
      const itemBase = Array.isArray(base) ? base[0] : undefined;
      return items.map((i) => overlay(itemSchema, itemBase, i));
    }
    const props = (flatten(schema)?.properties ?? {}) as Record<string, Schema>;
    // The envelope's array of these objects: not its errors or warnings; a usual name (`items`,
    // `data`…) first, else the one whose items declare most of the stored objects' members.
    // A member named as the collection is its list, whatever the name (Twilio's and Gmail's `messages`).
    const named = (name: string) => name.toLowerCase() === collectionName?.toLowerCase();
    const arrays = Object.entries(props).filter(([name, s]) => arrayOf(s) && (named(name) || !NOT_LIST_MEMBERS.test(name)));
    // A response with an example and no schema (Zuora's lists): the example's own array member.
    if (arrays.length === 0 && isObject(base)) {
      for (const [name, v] of Object.entries(base))
        if (Array.isArray(v) && (named(name) || !NOT_LIST_MEMBERS.test(name))) arrays.push([name, {} as Schema]);
    }
    const keys = [...new Set(stored.flatMap((o) => (isObject(o) ? Object.keys(o) : [])))];
    const fit = (s: Schema | undefined) => {
      const itemProps = flatten(arrayOf(s))?.properties ?? {};
      return keys.filter((k) => k in itemProps).length;
    };
    const byFit = [...arrays].sort((a, b) => fit(b[1]) - fit(a[1]));
    // A schema that says nothing of the answer's shape, and an example with no list in it (VTEX
    // documents `{}` for its lists): the objects themselves, which such a schema takes.
    if (arrays.length === 0 && says(schema) === false) return items;
    const member =
      arrays.find(([name]) => named(name))?.[0] ??
      arrays.find(([name]) => LIST_MEMBERS.includes(name.toLowerCase()))?.[0] ??
      (arrays.length === 1 || (byFit[0] && fit(byFit[0][1]) > 0) ? byFit[0]?.[0] : undefined);
    if (member === undefined || !isObject(base)) return base;
    const itemBase = Array.isArray(base[member]) ? base[member][0] : undefined;
    const memberItems = arrayOf(props[member]);
    return { ...base, [member]: itemsFor(memberItems).map((i) => overlay(memberItems, itemBase, i)) };
  }

  /** `body` where the schema accepts it; where it does not, the documented values put back; at worst the documented body. */
  private conforming(operationId: string, status: number, body: unknown, base: unknown): unknown {
    // Steps `value` by `step` until it validates (returned), nothing changes, or the rounds run out.
    const settle = (value: unknown, rounds: number, step: (v: unknown, errors: readonly ErrorObject[]) => unknown) => {
      let current = value;
      for (let round = 0; round < rounds; round += 1) {
        const errors = this.validate(operationId, status, current);
        if (errors.length === 0) return { value: current, valid: true };
        const next = step(current, errors);
        if (next === current) break;
        current = next;
      }
      return { value: current, valid: false };
    };
    // The stored values the schema refuses give way to the documented ones…
    const restored = settle(body, 3, (v, errors) => repair(v, base, errors));
    if (restored.valid) return restored.value;
    // …and where those break it too (a sample short of a minLength, a pattern openapi-sampler
    // cannot read, a oneOf two branches take), the values are fixed as Ajv's errors say.
    const schema = this.responseSchema(operationId, status);
    // Ajv's instance paths name array items by their index: a number to `schemaAt`.
    const at = (path: string[]) =>
      schemaAt(
        schema,
        path.map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
      );
    for (const candidate of [restored.value, base]) {
      beginRepair();
      const fixed = settle(candidate, 8, (v, errors) => fixByErrors(v, errors, at, this.bundled));
      if (fixed.valid) return fixed.value;
      // Still broken: what is optional and broken is left out.
      const pruned = settle(fixed.value, 4, (v, errors) => pruneByErrors(v, errors, at));
      if (pruned.valid) return pruned.value;
    }
    return base;
  }

  /** The JSON schema of an operation's documented response for a status (its own, its range's or default's). */
  private responseSchema(operationId: string, status: number): Schema | undefined {
    const op = this.model.byId.get(operationId);
    if (!op) return undefined;
    const s = String(status);
    const response = op.responses[s] ?? op.responses[`${s[0]}XX`] ?? op.responses[`${s[0]}xx`] ?? op.responses.default;
    const media = pickMediaType(response?.content);
    return media === undefined ? undefined : (response?.content?.[media]?.schema as Schema | undefined);
  }

  /** Documented response headers: their example, else a sample of their schema. */
  private headersOf(op: OperationInfo, key: string): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const [name, h] of Object.entries(op.responses[key]?.headers ?? {})) {
      // Framing and hop-by-hop headers are the server's to set (a documented `Transfer-Encoding`
      // beside the Content-Length Node sends is a response no client can read: chaingateway.io).
      if (isFramingHeader(name)) continue;
      const header = h as OpenAPIV3.HeaderObject;
      const value = header.example ?? documentedExample(header as never) ?? sampleOf(header.schema, this.bundled) ?? '';
      const text = typeof value === 'string' ? value : Array.isArray(value) ? value.join(',') : String(JSON.stringify(value));
      // A header carries visible ASCII only (RFC 9110 §5.5): a sample of a pattern may hold others (apple.com's ETag).
      headers[name] = text.replace(/[^\t\x20-\x7e]/g, '') || 'x';
    }
    return headers;
  }

  /** A `Prefer`-chosen response, sent as its documented media type. */
  private withMedia(op: OperationInfo, chosen: HandlerResult): HandlerResult {
    const key = String(chosen.status);
    const media = pickMediaType(op.responses[key]?.content);
    const headers = { ...chosen.headers };
    if (media === undefined) return { status: chosen.status, headers };
    headers['Content-Type'] = contentTypeFor(media);
    return { ...chosen, headers, body: isJsonMediaType(media) ? chosen.body : new RawBody(textOf(chosen.body)) };
  }

  /** The names a response of an operation is known by in the bundled document: its own `$ref` and its schemas' (`ResourceNotFoundException`). */
  private refNames(operationId: string, key: string): string[] {
    const raw = this.bundledOps.get(operationId)?.responses?.[key];
    const names: string[] = [];
    const nameOf = (v: unknown) => {
      if (isObject(v) && typeof v.$ref === 'string') names.push(v.$ref.slice(v.$ref.lastIndexOf('/') + 1));
    };
    nameOf(raw);
    const response = raw ? deref<OpenAPIV3.ResponseObject>(this.bundled, raw) : undefined;
    for (const media of Object.values(response?.content ?? {})) nameOf(media.schema);
    return names;
  }

  /**
   * An error as the operation documents it: the status itself where documented, else the
   * nearest documented client error (a twin answers only what its spec documents); the body
   * in the documented error schema with the message filled in, else RFC 9457 problem+json.
   */
  renderError(err: ApiError, operationId: string | undefined): HandlerResult {
    const op = operationId === undefined ? undefined : this.model.byId.get(operationId);
    const found = op ? documentedErrorStatus(op, err, (key) => this.refNames(op.id, key)) : undefined;
    if (!op || !found) return problem(err, err.status);
    const { status, key } = found;
    const response = op.responses[key];
    const media = pickMediaType(response?.content);
    const headers = { ...this.headersOf(op, key), ...err.headers };
    if (!response || media === undefined) return { status, headers };
    headers['Content-Type'] = contentTypeFor(media);
    const base = this.baseBody(op, key, media);
    if (!isJsonMediaType(media)) return { status, headers, body: new RawBody(err.detail) };
    // A schema that says nothing of the body (AWS's `ResourceNotFoundException: {}`): the message, as AWS sends it.
    const said = base === null || base === undefined || (isObject(base) && Object.keys(base).length === 0) ? { message: err.detail } : base;
    const filled = withMessage(structuredClone(said), err.detail, status);
    return { status, headers, body: this.conforming(op.id, status, filled, base) };
  }
}

/** What a handler needs from the HTTP request beyond its parameters. */
export interface RequestInfo {
  prefer: string | string[] | undefined;
  accept?: string | undefined;
}

function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Listed objects whose items do not declare the id member the object is stored by, with the id in
 * the first id-like member the items declare instead (OnSched creates an email template by
 * `templateName` and lists templates by `name`): a client finds the object in the list by it.
 */
function withIdAlias(itemSchema: Schema | undefined, stored: unknown[], resource: Resource | undefined): unknown[] {
  const props = flatten(itemSchema)?.properties;
  if (!resource || !props || resource.idProp in props) return stored;
  const alias = idMembers(resource.group).find(
    (m) => m in props && !/^(object|array|boolean)$/.test(String(flatten(props[m] as Schema)?.type)),
  );
  if (alias === undefined) return stored;
  return stored.map((o) => (isObject(o) && o[alias] === undefined ? { ...o, [alias]: o[resource.idProp] } : o));
}

/** Whether a schema says anything of a value's shape (a type, members, items or branches). */
function says(schema: Schema | undefined): boolean {
  const s = flatten(schema);
  if (!s) return false;
  return ['type', 'properties', 'items', 'oneOf', 'anyOf', 'additionalProperties', 'enum', 'not', '$ref'].some((k) => k in s);
}

/** The schema of a resource's item path parameter (what an id must look like to be read back). */
function itemParamSchema(resource: Resource): Schema | undefined {
  const param = resource.group.read.parameters.find((p) => p.in === 'path' && p.name === resource.group.itemParam);
  return flatten(param?.schema as Schema | undefined);
}

/** Whether an id can stand in the item path: its pattern, lengths and type. */
function addressable(schema: Schema | undefined, id: unknown): boolean {
  if (!schema) return true;
  const text = String(id);
  if (schema.pattern && !matchesPattern(schema.pattern, text)) return false;
  if (schema.minLength !== undefined && text.length < schema.minLength) return false;
  if (schema.maxLength !== undefined && text.length > schema.maxLength) return false;
  if ((schema.type === 'integer' || schema.type === 'number') && !Number.isFinite(Number(text))) return false;
  return true;
}

/** What kind of refusal an error is, to find the documented response that says it. */
function errorKind(err: ApiError): ErrorKind | undefined {
  switch (err.status) {
    case 404:
    case 410:
      return 'not-found';
    case 409:
      return 'conflict';
    case 413:
      return 'too-large';
    case 415:
      return 'unsupported-media';
    case 400:
    case 422:
      return 'invalid';
    default:
      return undefined;
  }
}

/** Authentication refusals: a client reads them as its credentials refused, never as "no such object" or "invalid input". */
const AUTH_STATUSES = new Set(['401', '403', '407']);

/**
 * The documented status that answers an error, and its response's key. A twin answers only what its
 * spec documents, so where the error's own status is not documented it takes the one a client of
 * that API would expect for it:
 * 1. the status itself, or its range (`4XX`), or `default`…
 * 2. …else a documented 4xx whose description or schema name says this kind of error: AWS documents
 *    `480: ResourceNotFoundException`, `481: ValidationException` and no 404 or 400, and its SDKs
 *    tell errors apart by that name, not by the code;
 * 3. …else the usual stand-ins: a 404 as 410, a 4XX range, `default`, 400 or 422 (the generic client errors);
 * 4. …else the closest documented 4xx that is not an authentication refusal, then any documented 4xx.
 * Undefined when the operation documents no client error at all (the caller answers problem+json).
 * `names` gives the names a response is known by in the bundled document (its schema's `$ref`).
 */
export function documentedErrorStatus(
  op: OperationInfo,
  err: ApiError,
  names: (key: string) => string[] = () => [],
): { status: number; key: string } | undefined {
  const keys = Object.keys(op.responses);
  const find = (candidate: string) => keys.find((k) => k.toUpperCase() === candidate.toUpperCase());
  const answer = (key: string): { status: number; key: string } => {
    if (/^\d{3}$/.test(key)) return { status: Number(key), key };
    // A range answers the error's own status when it is in the range, else the range's first.
    if (/^\dXX$/i.test(key)) return { status: String(err.status)[0] === key[0] ? err.status : Number(`${key[0]}00`), key };
    return { status: err.status, key };
  };
  const s = String(err.status);
  for (const candidate of [s, `${s[0]}XX`]) {
    const key = find(candidate);
    if (key !== undefined) return answer(key);
  }
  if (err.status >= 500) {
    const key = find('default');
    return key === undefined ? undefined : answer(key);
  }
  const kind = errorKind(err);
  const kinds: ErrorKind[] = kind === 'unsupported-media' || kind === 'too-large' ? [kind, 'invalid'] : kind ? [kind] : [];
  for (const k of kinds) {
    const named = errorResponsesFor(op, k, names)[0];
    if (named !== undefined) return answer(named);
  }
  const standIns = kind === 'not-found' ? ['410', 'default', '400', '422'] : ['default', '400', '422'];
  for (const candidate of standIns) {
    const key = find(candidate);
    if (key !== undefined) return answer(key);
  }
  const clientErrors = keys.filter((k) => /^4\d\d$/.test(k));
  const distance = (k: string) => Math.abs(Number(k) - err.status);
  const closest = [...clientErrors].sort(
    (a, b) => Number(AUTH_STATUSES.has(a)) - Number(AUTH_STATUSES.has(b)) || distance(a) - distance(b),
  )[0];
  return closest === undefined ? undefined : answer(closest);
}

/** RFC 9457 problem details, for a status the operation does not document. */
export function problem(err: ApiError, status: number): HandlerResult {
  return {
    status,
    headers: { ...err.headers, 'Content-Type': 'application/problem+json' },
    body: {
      type: 'about:blank',
      title: err.title,
      status,
      detail: err.detail,
      ...(err.details && Array.isArray(err.details.errors) ? { errors: err.details.errors } : {}),
    },
  };
}

/** Puts the error's message and status into the members of a documented error body that carry them (two levels deep). */
function withMessage(body: unknown, detail: string, status: number, depth = 0): unknown {
  if (!isObject(body) || depth > 2) return body;
  for (const [k, v] of Object.entries(body)) {
    if (typeof v === 'string' && MESSAGE_MEMBERS.test(k)) body[k] = detail;
    else if (typeof v === 'number' && Number.isInteger(v) && STATUS_MEMBERS.test(k)) body[k] = status;
    else if (isObject(v)) withMessage(v, detail, status, depth + 1);
    else if (Array.isArray(v) && isObject(v[0])) withMessage(v[0], detail, status, depth + 1);
  }
  return body;
}
