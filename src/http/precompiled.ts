/**
 * Request and response validators compiled at build time.
 *
 * openapi-backend compiles an Ajv validator for every operation's parameters,
 * body and documented responses: at each start, or (quick mode) on the first
 * request of each operation. `make generate` compiles them once instead, with
 * openapi-backend's own builders (so the schemas, options and error objects are
 * exactly what it would use), and writes them as Ajv standalone code to
 * generated/<api>.validators.cjs. The twin loads that file and hands the
 * functions to openapi-backend's validator, which then compiles nothing.
 */
import { createRequire } from 'node:module';
import type { Ajv, Options as AjvOptions, ValidateFunction } from 'ajv';
import { type AjvCustomizer, OpenAPIBackend, type OpenAPIValidator } from 'openapi-backend';
import type { OpenAPIV3 } from 'openapi-types';
import { IndexedRouter } from './route-table.js';

/** The Ajv options of every validator, generated or compiled at run time. */
export const AJV_OPTIONS = { strict: false, allErrors: true } as const satisfies AjvOptions;

/** openapi-backend's options that shape its validators (with `coerceTypes`, path and query values are coerced). */
export const COERCE_TYPES = true;

/** What generated/<api>.validators.cjs exports. */
export interface PrecompiledValidators {
  /** SHA-256 of the openapi/<api>.yaml they were compiled from. */
  sourceSha256: string;
  /** operationId → openapi-backend's request validators, in its order (body first, then parameters). */
  request: Record<string, ValidateFunction[]>;
  /** operationId → status → the response body validator. */
  response: Record<string, Record<string, ValidateFunction>>;
}

/**
 * One Ajv per set of options for every validator: openapi-backend asks for a new
 * one per validator, and each would compile Ajv's meta-schema again (a third of
 * start-up in issue 13's profile). The first one asked for already carries
 * openapi-backend's formats (int32, int64, byte…).
 */
export function sharedAjv(): AjvCustomizer {
  const shared = new Map<boolean, Ajv>();
  return (original, ajvOpts) => {
    const key = ajvOpts.coerceTypes === true;
    let ajv = shared.get(key);
    if (!ajv) {
      ajv = original;
      shared.set(key, ajv);
    }
    return ajv;
  };
}

/** Hands generated validators to openapi-backend's validator, which compiles only what is missing. */
export function installPrecompiled(validator: OpenAPIValidator, validators: PrecompiledValidators): void {
  Object.assign(validator.requestValidators, validators.request);
  Object.assign(validator.statusBasedResponseValidators, validators.response);
}

/** Loads generated/<api>.validators.cjs (CommonJS: Ajv's standalone code `require`s its runtime helpers). */
export function loadPrecompiled(path: string): PrecompiledValidators {
  return createRequire(import.meta.url)(path) as PrecompiledValidators;
}

/**
 * Build time (`make generate`): compiles every operation's validators with
 * openapi-backend's own builders and returns them as one CommonJS module of
 * Ajv standalone code. `definition` is the bundled spec, as the twin loads it.
 */
export async function precompiledSource(definition: OpenAPIV3.Document, sourceSha256: string, banner: string): Promise<string> {
  // CommonJS: module.exports is the function, and carries itself as `default` too.
  const standaloneCode = (await import('ajv/dist/standalone/index.js')).default.default;
  const ajvs = new Map<boolean, Ajv>();
  const backend = new OpenAPIBackend({
    definition: structuredClone(definition) as OpenAPIBackend['definition'],
    strict: true,
    validate: true,
    quick: true,
    coerceTypes: COERCE_TYPES,
    apiRoot: '/',
    ajvOpts: { ...AJV_OPTIONS, code: { source: true } },
    customizeAjv: (original, ajvOpts) => {
      const key = ajvOpts.coerceTypes === true;
      const ajv = ajvs.get(key) ?? original;
      ajvs.set(key, ajv);
      return ajv;
    },
  });
  await backend.init();
  const router = new IndexedRouter(backend.definition as OpenAPIV3.Document);
  const validator = backend.validator;
  validator.router = router;

  // Each compiled function gets a name in the Ajv that compiled it (addSchema on the very schema
  // object it was compiled from returns that compiled schema), so that standaloneCode can export it.
  const names = new Map<Ajv, Record<string, string>>();
  const name = (fn: ValidateFunction, key: string): string => {
    for (const ajv of ajvs.values()) {
      ajv.addSchema(fn.schema as object, key);
      if (ajv.getSchema(key) !== fn) {
        ajv.removeSchema(key);
        continue;
      }
      names.set(ajv, { ...names.get(ajv), [key]: key });
      return key;
    }
    throw new Error(`cannot tell which Ajv compiled ${key}`);
  };
  const request: Record<string, string[]> = {};
  const response: Record<string, Record<string, string>> = {};
  for (const op of router.getOperations()) {
    const id = op.operationId;
    if (!id) continue;
    request[id] = (validator.buildRequestValidatorsForOperation(op) ?? []).map((fn, i) => name(fn, `${id}/request/${i}`));
    response[id] = Object.fromEntries(
      Object.entries(validator.buildStatusBasedResponseValidatorForOperation(op) ?? {}).map(([status, fn]) => [
        status,
        name(fn, `${id}/response/${status}`),
      ]),
    );
  }
  if ([...ajvs.values()].some((ajv) => Object.keys(ajv.formats).some((f) => schemaUses(definition, f)))) {
    // Standalone code would need the format functions as a module of their own; no spec uses one yet.
    throw new Error('a schema uses a string format: generated validators do not support formats yet');
  }

  // One scope per Ajv: each numbers its functions from 0, so their code cannot share one.
  const scopes = [...names].map(([ajv, exports], i) => {
    const code = standaloneCode(ajv, exports);
    return `const scope${i} = (() => {\nconst exports = {};\n${code}\nreturn exports;\n})();`;
  });
  const scopeOf = (key: string) => [...names.keys()].findIndex((ajv) => names.get(ajv)?.[key] !== undefined);
  const ref = (key: string) => `scope${scopeOf(key)}[${JSON.stringify(key)}]`;
  const requestCode = Object.entries(request)
    .map(([id, keys]) => `  ${JSON.stringify(id)}: [${keys.map(ref).join(', ')}],`)
    .join('\n');
  const responseCode = Object.entries(response)
    .map(([id, byStatus]) => {
      const entries = Object.entries(byStatus).map(([status, key]) => `${JSON.stringify(status)}: ${ref(key)}`);
      return `  ${JSON.stringify(id)}: { ${entries.join(', ')} },`;
    })
    .join('\n');
  return [
    `// ${banner}`,
    "'use strict';",
    ...scopes,
    `exports.sourceSha256 = ${JSON.stringify(sourceSha256)};`,
    `exports.request = {\n${requestCode}\n};`,
    `exports.response = {\n${responseCode}\n};`,
    '',
  ].join('\n');
}

/** Whether any schema in the document has `format: <name>`. */
function schemaUses(node: unknown, format: string): boolean {
  if (Array.isArray(node)) return node.some((n) => schemaUses(n, format));
  if (node === null || typeof node !== 'object') return false;
  const record = node as Record<string, unknown>;
  if (record.format === format) return true;
  return Object.values(record).some((v) => schemaUses(v, format));
}
