/**
 * What Ajv refuses to compile in documents that are valid OpenAPI all the
 * same, made compilable without changing what they admit: `nullable` beside
 * no `type` ("nullable cannot be used without type", Ajv's OpenAPI support)
 * says nothing a schema without a type does not already allow, and is dropped.
 * Used on specs given with `--spec` (the contract suite) and served by the
 * generic twin (`serve --spec`). OpenAPI 3.0's boolean `exclusiveMaximum` /
 * `exclusiveMinimum` become JSON Schema's numbers (the bound moves into them). A `pattern`
 * JavaScript cannot compile with the `u` flag is rewritten where it can be (`unicodePattern`), and one
 * written as a regex literal (`/^…$/i`) is read as the regex it names (`withoutSlashes`).
 * Every `oneOf` is read as `anyOf`: a value that fits no branch is still refused, but one that fits
 * several is taken. Real documents use `oneOf` for "one of these shapes" with branches that overlap:
 * Docker's `{months}` or `{weeks}` (neither required), Nexmo's two error objects with the same
 * members, and a parameter's value, which arrives as text and is coerced to each branch's type (`42`
 * for GitHub's `workflow_id`, `oneOf: [integer, string]`). Under `oneOf` no value the real API sends
 * could pass, so the twin could answer nothing and the contract suite would fail every server.
 */

const FORMAT_NAMES = new Set(['date-time', 'date', 'time', 'email', 'uuid', 'uri', 'hostname', 'ipv4', 'ipv6']);

export function normalizeForAjv(doc: unknown): void {
  const seen = new WeakSet<object>();
  const refsIntoOneOf: { $ref: string }[] = [];
  const version = (doc as { openapi?: unknown } | null)?.openapi;
  const refSiblingsIgnored = typeof version === 'string' && version.startsWith('3.0');
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    const record = node as Record<string, unknown>;
    // OpenAPI 3.0 ignores what sits beside a `$ref` (microcks's `{$ref: StringArray, type: object}`);
    // left there, the twin made objects where the referenced schema wants arrays.
    if (refSiblingsIgnored && typeof record.$ref === 'string') {
      for (const key of Object.keys(record)) if (key !== '$ref' && key !== 'description' && key !== 'summary') delete record[key];
    }
    // `allOf: [{nullable: true}, {$ref}]`, a common way of saying "this schema, or null" (PandaScore):
    // alone in its part, `nullable` says nothing to Ajv, and null was refused.
    if (Array.isArray(record.allOf) && record.anyOf === undefined && record.oneOf === undefined) {
      const parts = record.allOf as unknown[];
      const isNullable = (part: unknown) =>
        !!part && typeof part === 'object' && Object.keys(part).length === 1 && (part as { nullable?: unknown }).nullable === true;
      if (parts.some(isNullable)) {
        record.anyOf = [{ allOf: parts.filter((part) => !isNullable(part)) }, { type: 'null' }];
        delete record.allOf;
      }
    }
    if (Array.isArray(record.oneOf) && record.anyOf === undefined && !('$ref' in record)) {
      record.anyOf = record.oneOf;
      delete record.oneOf;
    }
    // `type: 'null'` beside the alternatives is one more of them (Vercel's item value: a string, a
    // number… or null); read as both at once, no value could be all of it.
    if (record.type === 'null' && Array.isArray(record.anyOf)) {
      record.anyOf = [...record.anyOf, { type: 'null' }];
      delete record.type;
    }
    // An enum that lists a value twice (ix-api's `enum: ["true", "true"]`) admits what it admits once:
    // Ajv refuses to compile it, and the whole operation's request went unchecked.
    if (Array.isArray(record.enum)) {
      const once = [...new Map(record.enum.map((v) => [JSON.stringify(v), v])).values()];
      if (once.length < record.enum.length) record.enum = once;
    }
    // An enum of the items' values written on the array itself (DRACOON's `grantTypes`): no array
    // equals a string, so no value could pass as written; what the authors mean is the items' enum.
    if (record.type === 'array' && Array.isArray(record.enum) && record.enum.every((v) => !Array.isArray(v))) {
      const items =
        record.items && typeof record.items === 'object' && !Array.isArray(record.items) ? (record.items as Record<string, unknown>) : {};
      if (!('$ref' in items)) {
        items.enum ??= record.enum;
        record.items = items;
        delete record.enum;
      }
    }
    if (typeof record.$ref === 'string' && record.$ref.includes('/oneOf/')) refsIntoOneOf.push(record as { $ref: string });
    if (typeof record.nullable === 'boolean' && record.type === undefined && !('$ref' in record)) delete record.nullable;
    // OpenAPI 3.0's boolean exclusiveMaximum/Minimum beside maximum/minimum is JSON Schema's number form.
    for (const [exclusive, bound] of [
      ['exclusiveMaximum', 'maximum'],
      ['exclusiveMinimum', 'minimum'],
    ] as const) {
      if (typeof record[exclusive] !== 'boolean') continue;
      if (record[exclusive] === true && typeof record[bound] === 'number') {
        record[exclusive] = record[bound];
        delete record[bound];
      } else {
        delete record[exclusive];
      }
    }
    // A format's name written as the pattern (pressassociation.io's `pattern: date-time`): the format it names.
    if (typeof record.pattern === 'string' && FORMAT_NAMES.has(record.pattern) && record.type === 'string') {
      record.format ??= record.pattern;
      delete record.pattern;
    }
    if (typeof record.pattern === 'string') {
      const pattern = unicodePattern(withoutSlashes(record.pattern));
      if (pattern === undefined || pattern === '') delete record.pattern;
      else record.pattern = pattern;
    }
    for (const value of Object.values(record)) walk(value);
  };
  walk(doc);
  // A `$ref` into a branch (`#/paths/…/schema/oneOf/0/allOf/1`, fulfillment.com) follows it to its anyOf.
  for (const ref of refsIntoOneOf) ref.$ref = pointerAfterAnyOf(doc, ref.$ref);
}

/** A local JSON pointer with each `oneOf` segment that `normalizeForAjv` turned into `anyOf` renamed. */
function pointerAfterAnyOf(doc: unknown, ref: string): string {
  if (!ref.startsWith('#/')) return ref;
  let node: unknown = doc;
  const segments = ref.slice(2).split('/');
  for (const [i, segment] of segments.entries()) {
    const here = node as Record<string, unknown> | undefined;
    if (segment === 'oneOf' && here && here.oneOf === undefined && Array.isArray(here.anyOf)) segments[i] = 'anyOf';
    node = here?.[(segments[i] ?? '').replace(/~1/g, '/').replace(/~0/g, '~')];
    if (node === undefined || node === null || typeof node !== 'object') break;
  }
  return `#/${segments.join('/')}`;
}

/**
 * A pattern written as a JavaScript regex literal (`/^[0-9]{5}$/i`, sinao.app, PeerTube) read as
 * the regex it names: taken literally, it would ask for the slashes, which no real value has. With
 * a flag JSON Schema cannot say (`i`, `m`, `s`), no pattern is left to check.
 */
function withoutSlashes(pattern: string): string {
  const literal = /^\/(\^.*|.*\$)\/([a-z]*)$/s.exec(pattern);
  if (!literal) return pattern;
  return /^[gu]*$/.test(literal[2] ?? '') ? (literal[1] ?? '') : '';
}

const compiles = (pattern: string): boolean => {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
};

/**
 * A `pattern` as Ajv compiles it (a `u`-flag RegExp): unneeded escapes (`\_`, `\-` outside a
 * class) dropped, and inline flags (`(?s)`, `(?i)`, which JavaScript lacks) removed; undefined
 * when it still does not compile, and the pattern cannot be checked.
 */
export function unicodePattern(pattern: string): string | undefined {
  if (compiles(pattern)) return pattern;
  const fixed = pattern.replace(/^\(\?[a-z]+\)/, '').replace(/\\([^dDwWsSbBnrtfv0-9\\/[\]{}()*+?.^$|uxcpPk-])/g, '$1');
  if (compiles(fixed)) return fixed;
  const noDash = fixed.replace(/\\-/g, '-');
  return compiles(noDash) ? noDash : undefined;
}
