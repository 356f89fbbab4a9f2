/**
 * What Ajv refuses to compile in documents that are valid OpenAPI all the
 * same, made compilable without changing what they admit: `nullable` beside
 * no `type` ("nullable cannot be used without type", Ajv's OpenAPI support)
 * says nothing a schema without a type does not already allow, and is dropped.
 * Used on specs given with `--spec` (the contract suite) and served by the
 * generic twin (`serve --spec`). OpenAPI 3.0's boolean `exclusiveMaximum` /
 * `exclusiveMinimum` become JSON Schema's numbers (the bound moves into them). A `pattern`
 * JavaScript cannot compile with the `u` flag is rewritten where it can be (`unicodePattern`).
 * Every `oneOf` is read as `anyOf`: a value that fits no branch is still refused, but one that fits
 * several is taken. Real documents use `oneOf` for "one of these shapes" with branches that overlap:
 * Docker's `{months}` or `{weeks}` (neither required), Nexmo's two error objects with the same
 * members, and a parameter's value, which arrives as text and is coerced to each branch's type (`42`
 * for GitHub's `workflow_id`, `oneOf: [integer, string]`). Under `oneOf` no value the real API sends
 * could pass, so the twin could answer nothing and the contract suite would fail every server.
 */

export function normalizeForAjv(doc: unknown): void {
  const seen = new WeakSet<object>();
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    const record = node as Record<string, unknown>;
    if (Array.isArray(record.oneOf) && !('$ref' in record)) {
      // Beside an anyOf of its own, the oneOf becomes a branch of an allOf: both must still hold.
      if (record.anyOf === undefined) record.anyOf = record.oneOf;
      else record.allOf = [...(Array.isArray(record.allOf) ? record.allOf : []), { anyOf: record.oneOf }];
      delete record.oneOf;
    }
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
    if (typeof record.pattern === 'string') {
      const pattern = unicodePattern(record.pattern);
      if (pattern === undefined) delete record.pattern;
      else record.pattern = pattern;
    }
    for (const value of Object.values(record)) walk(value);
  };
  walk(doc);
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
