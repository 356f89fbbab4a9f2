/**
 * Bodies shaped by a response schema: what the state holds, laid over what
 * the spec documents (its example, else a value openapi-sampler builds from
 * the schema), then repaired where the schema still refuses it. The schemas
 * walked here are dereferenced (recursion stops with the stored value); the
 * sampler gets the bundled document, whose `$ref`s keep recursive schemas finite.
 */
import type { ErrorObject } from 'ajv';
import { sample } from 'openapi-sampler';
import type { OpenAPIV3 } from 'openapi-types';
import { flatten, isObject, valueAt } from '../../contract-tests/engine/spec.js';
import { BY_FORMAT, stringMatching } from '../spec/values.js';

type Schema = OpenAPIV3.SchemaObject;
type SamplerSchema = Parameters<typeof sample>[0];

/** Whether a media type carries JSON (`application/json`, `application/problem+json`, `*\/*`…). */
export function isJsonMediaType(mediaType: string): boolean {
  const m = mediaType.split(';')[0]?.trim().toLowerCase() ?? '';
  return m === '*/*' || m === 'application/*' || m === 'application/json' || m.endsWith('+json') || m.endsWith('/json');
}

/** The media type a response is sent as: JSON first, then the first documented one. */
export function pickMediaType(content: Record<string, unknown> | undefined): string | undefined {
  const types = Object.keys(content ?? {});
  return (
    types.find((t) => t.split(';')[0]?.trim().toLowerCase() === 'application/json') ??
    types.find((t) => isJsonMediaType(t) && !t.includes('*')) ??
    types.find(isJsonMediaType) ??
    types[0]
  );
}

/** The Content-Type header for a documented media type (a wildcard is answered as JSON). */
export function contentTypeFor(mediaType: string): string {
  const m = mediaType.split(';')[0]?.trim() ?? mediaType;
  if (m === '*/*' || m === 'application/*') return 'application/json';
  if (m.endsWith('/*')) return `${m.slice(0, -1)}octet-stream`;
  // As documented, parameters included (`application/json; charset=utf-8`): a client may compare it whole.
  return mediaType.trim();
}

/** A documented example of a media type or parameter: `example`, else the first of `examples`. */
export function documentedExample(
  media: { example?: unknown; examples?: Record<string, unknown> } | undefined,
  resolve: (example: unknown) => unknown = (example) => example,
): unknown {
  if (!media) return undefined;
  if (media.example !== undefined) return media.example;
  for (const entry of Object.values(media.examples ?? {})) {
    // An Example Object, or a `$ref` to one in components/examples (SoundCloud's are all so).
    const ex = resolve(entry);
    if (isObject(ex) && ex.value !== undefined) return ex.value;
  }
  return undefined;
}

/** openapi-sampler on a (bundled) schema; undefined when it cannot make one. */
export function sampleOf(schema: unknown, doc: OpenAPIV3.Document): unknown {
  if (!isObject(schema)) return undefined;
  try {
    return sample(schema as SamplerSchema, { skipWriteOnly: true, quiet: true, enablePatterns: true, maxSampleDepth: 10 }, doc);
  } catch {
    return undefined;
  }
}

const arrayish = (s: Schema | undefined): boolean => s?.type === 'array' || (s !== undefined && 'items' in s);

/** The branch of a oneOf/anyOf that a stored value fits best (the most of its keys declared), or undefined. */
function branchFor(s: Schema, value: unknown): Schema | undefined {
  const branches = (s.oneOf ?? s.anyOf) as Schema[] | undefined;
  if (!branches?.length) return undefined;
  if (!isObject(value)) return branches.find((b) => !flatten(b)?.properties) ?? branches[0];
  let best: Schema | undefined;
  let score = -1;
  for (const b of branches) {
    const props = flatten(b)?.properties ?? {};
    const n = Object.keys(value).filter((k) => k in props).length;
    if (n > score) {
      best = b;
      score = n;
    }
  }
  return best;
}

/**
 * `stored` laid over `base` where `schema` declares it: object members the schema names (or
 * admits as additional properties), arrays item by item, scalars of the declared type.
 */
export function overlay(schema: Schema | undefined, base: unknown, stored: unknown, depth = 0): unknown {
  if (stored === undefined || depth > 32) return base;
  const s0 = flatten(schema);
  if (!s0) return stored;
  const branch = s0.oneOf || s0.anyOf ? branchFor(s0, stored) : undefined;
  const s = branch ? (flatten(branch) ?? s0) : s0;
  if (s.type === 'object' || s.properties || (s.additionalProperties !== undefined && !arrayish(s))) {
    if (!isObject(stored)) return base;
    const out: Record<string, unknown> = isObject(base) ? { ...base } : {};
    for (const [k, v] of Object.entries(stored)) {
      const prop = s.properties?.[k] as Schema | undefined;
      if (prop) {
        if (prop.readOnly === true && v === undefined) continue;
        out[k] = overlay(prop, out[k], v, depth + 1);
      } else if (s.additionalProperties !== false) {
        const extra = isObject(s.additionalProperties) ? (s.additionalProperties as Schema) : undefined;
        out[k] = extra ? overlay(extra, undefined, v, depth + 1) : v;
      }
    }
    return out;
  }
  if (arrayish(s)) {
    if (!Array.isArray(stored)) return base;
    const items = (s as OpenAPIV3.ArraySchemaObject).items as Schema | undefined;
    const itemBase = Array.isArray(base) ? base[0] : undefined;
    return stored.map((v) => overlay(items, itemBase, v, depth + 1));
  }
  const t = s.type;
  if (t === undefined) return stored;
  if (stored === null) return s.nullable ? null : base;
  const fits =
    (t === 'string' && typeof stored === 'string') ||
    (t === 'boolean' && typeof stored === 'boolean') ||
    (t === 'number' && typeof stored === 'number') ||
    (t === 'integer' && Number.isInteger(stored));
  if (fits) return stored;
  // The same value in the type the schema declares: an id kept as a number where the answer
  // documents a string (Jira's `{"id": "10001"}`), or kept as text where it documents an integer.
  if (t === 'string' && typeof stored === 'number') return String(stored);
  if ((t === 'integer' || t === 'number') && typeof stored === 'string' && /^-?\d+(\.\d+)?$/.test(stored.trim())) {
    const n = Number(stored);
    if (t === 'number' || Number.isInteger(n)) return n;
  }
  return base;
}

/** The value at a path (`['a', '0', 'b']`): the suite's own helper. */
const at = valueAt;

/** The members an Ajv error's instance path names (its JSON pointer read: `~1` is `/`, `~0` is `~`). */
function pathOf(e: ErrorObject): string[] {
  return e.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * Puts back, where Ajv's errors point, what `fallback` has at the same place (or drops a member
 * it does not have): the stored values the schema refuses give way to documented ones.
 */
export function repair(value: unknown, fallback: unknown, errors: readonly ErrorObject[]): unknown {
  const copy = structuredClone(value);
  let changed = false;
  for (const e of errors) {
    const path = pathOf(e);
    // additionalProperties / required name a member of the object the error is at.
    const member =
      e.keyword === 'additionalProperties'
        ? String((e.params as { additionalProperty?: unknown }).additionalProperty)
        : e.keyword === 'required'
          ? String((e.params as { missingProperty?: unknown }).missingProperty)
          : undefined;
    const full = member === undefined ? path : [...path, member];
    if (full.length === 0) continue;
    const parent = at(copy, full.slice(0, -1));
    const key = full[full.length - 1] as string;
    if (!isObject(parent) && !Array.isArray(parent)) continue;
    const replacement = at(fallback, full);
    if (replacement === undefined) {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else {
      (parent as Record<string, unknown>)[key] = structuredClone(replacement);
    }
    changed = true;
  }
  return changed ? copy : value;
}

/** A value of a JSON type, for a member whose type the schema refuses. */
function valueOfType(type: string): unknown {
  switch (type) {
    case 'string':
      return '';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return null;
  }
}

/**
 * Fixes a value where Ajv's errors say how: a length or bound to meet, an enum or const value,
 * a pattern (randexp), a format, a type, a member to drop or to add, an array too short, a
 * oneOf/anyOf no branch of which it fits. `schemaAt` gives the schema at an instance path, where
 * a value must be made (a missing member, the item of an empty array, a oneOf's branch).
 */
export function fixByErrors(
  value: unknown,
  errors: readonly ErrorObject[],
  schemaAt: (path: string[]) => Schema | undefined = () => undefined,
  doc?: OpenAPIV3.Document,
): unknown {
  const make = (schema: Schema | undefined): unknown => (schema && doc ? sampleOf(schema, doc) : undefined);
  let copy = structuredClone(value);
  let changed = false;
  const oneOfTries = fixTries;
  // Array items to drop, removed after the errors are read (their indexes stay valid meanwhile).
  const dropped: { array: unknown[]; index: number }[] = [];
  for (const where of new Set(errors.map((e) => e.instancePath.split('/').slice(1).join('/')))) {
    stuckRounds.set(where, (stuckRounds.get(where) ?? 0) + 1);
  }
  const set = (path: string[], v: unknown) => {
    // The whole value (nic.at's schema says object, its example is an array).
    if (path.length === 0) {
      copy = v;
      changed = true;
      return;
    }
    const parent = at(copy, path.slice(0, -1));
    const key = path[path.length - 1] as string;
    if (!isObject(parent) && !Array.isArray(parent)) return;
    (parent as Record<string, unknown>)[key] = v;
    changed = true;
  };
  for (const e of errors) {
    const path = pathOf(e);
    const current = at(copy, path);
    const params = e.params as Record<string, unknown>;
    // A member that keeps failing, round after round, is one no value can satisfy (WhatsApp's
    // `type: integer` with a string enum): an optional one is left out; a required one stays,
    // and its spec contradicts itself.
    const where = path.join('/');
    const failures = (stuck.get(where) ?? 0) + 1;
    stuck.set(where, failures);
    const parentOf = at(copy, path.slice(0, -1));
    if (failures > 3 && isObject(parentOf) && path.length > 0) {
      delete parentOf[path[path.length - 1] as string];
      changed = true;
      continue;
    }
    // So is an array's item (Jira's default values: a oneOf whose object also says
    // `additionalProperties: false` with no properties, which no item can meet): the list goes
    // without it, once it has failed round after round (not for the many errors of one round).
    if ((stuckRounds.get(where) ?? 0) > 3 && Array.isArray(parentOf) && /^\d+$/.test(path[path.length - 1] ?? '')) {
      dropped.push({ array: parentOf, index: Number(path[path.length - 1]) });
      continue;
    }
    const limit = typeof params.limit === 'number' ? params.limit : undefined;
    switch (e.keyword) {
      case 'minLength':
        if (typeof current === 'string' && limit !== undefined) set(path, current.padEnd(limit, 'x'));
        break;
      case 'maxLength':
        if (typeof current === 'string' && limit !== undefined) set(path, current.slice(0, limit));
        break;
      case 'minimum':
      case 'maximum':
        if (limit !== undefined) set(path, limit);
        break;
      case 'exclusiveMinimum':
        if (limit !== undefined) set(path, Math.floor(limit) + 1);
        break;
      case 'exclusiveMaximum':
        if (limit !== undefined) set(path, Math.ceil(limit) - 1);
        break;
      case 'multipleOf':
        if (typeof params.multipleOf === 'number') set(path, params.multipleOf);
        break;
      case 'enum':
        if (Array.isArray(params.allowedValues) && params.allowedValues.length) set(path, params.allowedValues[0]);
        break;
      case 'const':
        set(path, params.allowedValue);
        break;
      case 'type': {
        const wanted = String(params.type ?? '').split(',')[0] ?? '';
        const made = make(schemaAt(path));
        set(path, made !== undefined && typesMatch(made, wanted) ? made : valueOfType(wanted));
        break;
      }
      case 'minItems':
        if (Array.isArray(current) && limit !== undefined) {
          const items = current.length > 0 ? current : [make(itemsOfSchema(schemaAt(path)))].filter((v) => v !== undefined);
          if (items.length > 0)
            set(
              path,
              Array.from({ length: limit }, (_, i) => structuredClone(items[i % items.length])),
            );
        }
        break;
      case 'pattern':
        if (typeof current === 'string' && typeof params.pattern === 'string') {
          const lengths = flatten(schemaAt(path));
          const matching = stringMatching(params.pattern, current, { min: lengths?.minLength, max: lengths?.maxLength });
          if (matching !== undefined && matching !== current) set(path, matching);
        }
        break;
      case 'oneOf':
      case 'anyOf': {
        // A value no branch takes (or, for oneOf, more than one): the sample of one branch, tried in turn.
        // Not while the branch's own errors below are being fixed (fulfillment's order, a pattern
        // deep inside): a fresh sample would bring them back, round after round.
        const below = errors.some(
          (o) =>
            o.keyword !== 'oneOf' &&
            o.keyword !== 'anyOf' &&
            (o.instancePath === e.instancePath || o.instancePath.startsWith(`${e.instancePath}/`)),
        );
        if (below && (stuckRounds.get(where) ?? 0) <= 2) break;
        const branches = (flatten(schemaAt(path))?.[e.keyword] ?? []) as Schema[];
        const tried = oneOfTries.get(path.join('/')) ?? 0;
        const branch = branches[tried % Math.max(1, branches.length)];
        oneOfTries.set(path.join('/'), tried + 1);
        const made = make(branch);
        if (made !== undefined) set(path, made);
        break;
      }
      case 'maxItems':
        if (Array.isArray(current) && limit !== undefined) set(path, current.slice(0, limit));
        break;
      case 'minProperties':
        // An object of free members that must have some (APIs.guru's `info: {minProperties: 1}`): members made from additionalProperties.
        if (isObject(current) && limit !== undefined) {
          const extra = flatten(schemaAt(path))?.additionalProperties;
          const made = isObject(extra) ? make(extra as Schema) : undefined;
          const filled = { ...current };
          for (let i = 1; Object.keys(filled).length < limit; i += 1)
            if (!(`property${i}` in filled)) filled[`property${i}`] = made ?? 'string';
          set(path, filled);
        }
        break;
      case 'maxProperties':
        if (isObject(current) && limit !== undefined) set(path, Object.fromEntries(Object.entries(current).slice(0, limit)));
        break;
      case 'additionalProperties': {
        const member = String(params.additionalProperty);
        if (isObject(current)) {
          delete current[member];
          changed = true;
        }
        break;
      }
      case 'required': {
        const member = String(params.missingProperty);
        if (isObject(current) && !(member in current)) set([...path, member], make(schemaAt([...path, member])) ?? '');
        break;
      }
      case 'format':
        if (typeof current === 'string') {
          const f = String(params.format);
          if (BY_FORMAT[f] !== undefined) set(path, BY_FORMAT[f]);
        }
        break;
      default:
        break;
    }
  }
  const byArray = new Map<unknown[], Set<number>>();
  for (const { array, index } of dropped) byArray.set(array, (byArray.get(array) ?? new Set()).add(index));
  for (const [array, indexes] of byArray) {
    for (const index of [...indexes].sort((a, b) => b - a)) array.splice(index, 1);
    changed = true;
  }
  return changed ? copy : value;
}

/**
 * The last resort of a repair: for each error, the nearest optional member on its way is left
 * out (AWS Data Exchange's job details hold a catalog id whose pattern no string can match, in a
 * member the response need not have). Arrays lose the item, where minItems allows.
 */
export function pruneByErrors(value: unknown, errors: readonly ErrorObject[], schemaAt: (path: string[]) => Schema | undefined): unknown {
  const copy = structuredClone(value);
  let changed = false;
  for (const e of errors) {
    const path = pathOf(e);
    for (let i = path.length - 1; i >= 0; i -= 1) {
      const parent = at(copy, path.slice(0, i));
      const key = path[i] as string;
      const schema = flatten(schemaAt(path.slice(0, i)));
      if (isObject(parent) && key in parent && !(schema?.required ?? []).includes(key)) {
        delete parent[key];
        changed = true;
        break;
      }
      if (Array.isArray(parent) && /^\d+$/.test(key) && parent.length > (schema?.minItems ?? 0) && Number(key) < parent.length) {
        parent.splice(Number(key), 1);
        changed = true;
        break;
      }
    }
  }
  return changed ? copy : value;
}

/** How many oneOf/anyOf branches were tried at each path, across the rounds of one repair (reset by `beginRepair`). */
const fixTries = new Map<string, number>();

/** How many errors each instance path has had, across the rounds of one repair. */
const stuck = new Map<string, number>();

/** How many rounds each instance path has failed in, across the rounds of one repair. */
const stuckRounds = new Map<string, number>();

/** Starts a new repair: the branches of each oneOf are tried from the first again, and no path has failed yet. */
export function beginRepair(): void {
  fixTries.clear();
  stuck.clear();
  stuckRounds.clear();
}

function itemsOfSchema(schema: Schema | undefined): Schema | undefined {
  const s = flatten(schema);
  return s && 'items' in s ? (s.items as Schema) : undefined;
}

function typesMatch(value: unknown, type: string): boolean {
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'array') return Array.isArray(value);
  if (type === 'object') return isObject(value);
  if (type === 'null') return value === null;
  return typeof value === type;
}
