/**
 * fast-check arbitraries from the specs' JSON Schemas (the OpenAPI 3.0
 * subset our specs use: type, enum, nullable, properties, required,
 * additionalProperties, items, allOf, oneOf, anyOf, string lengths,
 * patterns and date-time formats, numeric bounds), and mutations that break
 * a valid value. The only maintained JSON-Schema-to-fast-check library
 * (json-schema-fast-check) is archived, and ours is small.
 */
import fc from 'fast-check';
import type { OpenAPIV3 } from 'openapi-types';

type Schema = OpenAPIV3.SchemaObject | OpenAPIV3.ReferenceObject;

/** Resolves `#/components/...` references against the spec. */
export function resolver(doc: OpenAPIV3.Document): <T>(value: T | OpenAPIV3.ReferenceObject) => T {
  return <T>(value: T | OpenAPIV3.ReferenceObject): T => {
    let current: unknown = value;
    for (let hops = 0; hops < 20 && current && typeof current === 'object' && '$ref' in current; hops++) {
      const ref = (current as OpenAPIV3.ReferenceObject).$ref;
      current = ref
        .replace(/^#\//, '')
        .split('/')
        .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
    }
    return current as T;
  };
}

const SCALAR_EDGES = ['', ' ', '0', '-1', 'null', 'true', '😀', 'a\u0000b', '../../etc/passwd', '%E0%A4%A', 'x'.repeat(600)];

/** Any JSON value, small, with strings that tend to trip parsers and routers. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 4 },
  { arbitrary: fc.constantFrom(...SCALAR_EDGES), weight: 1 },
);

function mergeAllOf(schemas: OpenAPIV3.SchemaObject[]): OpenAPIV3.SchemaObject {
  const merged: OpenAPIV3.SchemaObject = {};
  for (const s of schemas) {
    Object.assign(merged, { ...s, allOf: undefined });
    if (s.properties) merged.properties = { ...merged.properties, ...s.properties };
    if (s.required) merged.required = [...new Set([...(merged.required ?? []), ...s.required])];
  }
  delete merged.allOf;
  return merged;
}

/** An arbitrary of values valid (for the most part: patterns aside) against `schema`. */
export function arbitraryOf(
  doc: OpenAPIV3.Document,
  schema: Schema | undefined,
  hints: { strings?: (name: string | undefined) => fc.Arbitrary<string> | undefined } = {},
): fc.Arbitrary<unknown> {
  const resolve = resolver(doc);
  const build = (raw: Schema | undefined, depth: number, name: string | undefined): fc.Arbitrary<unknown> => {
    if (raw === undefined || depth > 8) return anyJson;
    let s = resolve<OpenAPIV3.SchemaObject>(raw);
    if (s.allOf) s = mergeAllOf([s, ...s.allOf.map((x) => resolve<OpenAPIV3.SchemaObject>(x))]);
    const alternatives = s.oneOf ?? s.anyOf;
    let arb: fc.Arbitrary<unknown>;
    if (alternatives) {
      arb = fc.oneof(...alternatives.map((a) => build(a, depth + 1, name)));
    } else if (s.enum) {
      arb = fc.constantFrom(...(s.enum as unknown[]));
    } else {
      switch (s.type) {
        case 'string': {
          const hinted = hints.strings?.(name);
          const min = s.minLength ?? 0;
          const max = Math.max(min, s.maxLength ?? Math.max(min, 24));
          let plain: fc.Arbitrary<string>;
          if (s.format === 'date-time') plain = fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
          else if (s.pattern) plain = fc.stringMatching(new RegExp(s.pattern)).filter((x) => x.length >= min && x.length <= max);
          else plain = fc.string({ minLength: min, maxLength: Math.min(max, 40) });
          arb = hinted ? fc.oneof({ arbitrary: hinted, weight: 3 }, { arbitrary: plain, weight: 1 }) : plain;
          break;
        }
        case 'integer':
          arb = fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 100_000 });
          break;
        case 'number':
          arb = fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
          break;
        case 'boolean':
          arb = fc.boolean();
          break;
        case 'array':
          arb = fc.array(build(s.items, depth + 1, name), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 3, 3) });
          break;
        case 'object':
        case undefined: {
          if (!s.properties && s.type === undefined) {
            arb = anyJson;
            break;
          }
          const props = Object.entries(s.properties ?? {});
          const model = Object.fromEntries(props.map(([key, value]) => [key, build(value, depth + 1, key)]));
          const required = (s.required ?? []).filter((k) => k in model);
          const record = fc.record(model, { requiredKeys: required });
          const extra = s.additionalProperties;
          if (extra === undefined || extra === false || props.length > 0) {
            arb = record;
          } else {
            const values = extra === true ? anyJson : build(extra, depth + 1, undefined);
            arb = fc
              .tuple(record, fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), values, { maxKeys: 3 }))
              .map(([r, d]) => ({ ...d, ...r }));
          }
          break;
        }
        default:
          arb = anyJson;
      }
    }
    if (s.example !== undefined) arb = fc.oneof({ arbitrary: fc.constant(s.example), weight: 1 }, { arbitrary: arb, weight: 3 });
    return s.nullable ? fc.option(arb, { nil: null, freq: 8 }) : arb;
  };
  return build(schema, 0, undefined);
}

/** The JSON pointers of every member and item of a value (the root included). */
export function pointersOf(value: unknown, at: string[] = [], out: string[][] = []): string[][] {
  out.push(at);
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) pointersOf(v, [...at, k], out);
  }
  return out;
}

export type Mutation =
  | { kind: 'delete'; pick: number }
  | { kind: 'replace'; pick: number; value: unknown }
  | { kind: 'add'; pick: number; key: string; value: unknown }
  | { kind: 'proto'; pick: number }
  | { kind: 'nest'; pick: number; depth: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: anyJson }),
  fc.record({ kind: fc.constant('add' as const), pick: fc.nat(), key: fc.string({ minLength: 1, maxLength: 10 }), value: anyJson }),
  fc.record({ kind: fc.constant('proto' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('nest' as const), pick: fc.nat(), depth: fc.constantFrom(5, 127, 129, 600) }),
);

/** A copy of `value` broken by `m` at one of its members (chosen by `m.pick`). */
export function mutate(value: unknown, m: Mutation): unknown {
  const root = { v: JSON.parse(JSON.stringify(value ?? null)) as unknown };
  const targets = pointersOf(root.v).map((p) => ['v', ...p]);
  const path = targets[m.pick % targets.length] ?? ['v'];
  const key = path.at(-1) as string;
  const parent = path.slice(0, -1).reduce<Record<string, unknown>>((node, k) => node[k] as Record<string, unknown>, root);
  const target = parent[key];
  switch (m.kind) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      break;
    case 'replace':
      parent[key] = m.value;
      break;
    case 'add':
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) (target as Record<string, unknown>)[m.key] = m.value;
      else parent[key] = { [m.key]: m.value };
      break;
    case 'proto': {
      // As JSON.parse makes it: an own member named __proto__.
      const holder = target !== null && typeof target === 'object' && !Array.isArray(target) ? target : {};
      Object.defineProperty(holder, '__proto__', { value: { polluted: true }, enumerable: true, configurable: true, writable: true });
      parent[key] = holder;
      break;
    }
    case 'nest': {
      let deep: unknown = target ?? {};
      for (let i = 0; i < m.depth; i++) deep = [deep];
      parent[key] = deep;
      break;
    }
  }
  return root.v;
}
