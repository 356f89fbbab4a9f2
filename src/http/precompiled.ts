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
 *
 * Each operation's validators are a file of their own
 * (generated/<api>.validators/<operationId>.cjs), required the first time the
 * operation is used: a start pays for the few operations it serves, not for
 * the megabytes of all of them (reading and compiling one file of them all was
 * a sixth of the MaxScale twin's cold start).
 */
import { createRequire } from 'node:module';
import type { Ajv, Options as AjvOptions, ValidateFunction } from 'ajv';
import { type AjvCustomizer, OpenAPIBackend, type OpenAPIValidator, type Options } from 'openapi-backend';
import type { OpenAPIV3 } from 'openapi-types';
import { IndexedRouter } from './route-table.js';

/**
 * The Ajv options of every validator, generated or compiled at run time. No logger: Ajv would warn
 * on the console at each compile of a schema with a format it does not know (`uint64`, `boolean`:
 * common in real specs, and ignored all the same), a line per schema and request path.
 */
export const AJV_OPTIONS = { strict: false, allErrors: true, logger: false } as const satisfies AjvOptions;

/** openapi-backend's options that shape its validators (with `coerceTypes`, path and query values are coerced). */
export const COERCE_TYPES = true;

/** One operation's validators, as openapi-backend keeps them. */
interface OperationValidators {
  /** openapi-backend's request validators, in its order (body first, then parameters). */
  request: ValidateFunction[];
  /** status → the response body validator. */
  response: Record<string, ValidateFunction>;
}

/** What generated/<api>.validators.cjs exports. */
interface GeneratedModule {
  sourceSha256: string;
  /** operationId → requires that operation's file of validators. */
  operations: Record<string, () => OperationValidators>;
}

/**
 * The validators of generated/<api>.validators.cjs, keyed by operationId as openapi-backend
 * keys its own. Each property is a getter that evaluates the operation's code on first use.
 */
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

/**
 * Hands generated validators to openapi-backend's validator, which compiles only what is missing.
 * The getters are copied as they are, so that nothing is evaluated before it is used.
 */
export function installPrecompiled(validator: OpenAPIValidator, validators: PrecompiledValidators): void {
  Object.defineProperties(validator.requestValidators, Object.getOwnPropertyDescriptors(validators.request));
  Object.defineProperties(validator.statusBasedResponseValidators, Object.getOwnPropertyDescriptors(validators.response));
}

/** A property that evaluates its value on first read; a write (openapi-backend's own) replaces it. */
function lazyProperty<T>(target: object, key: string, get: () => T): void {
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get,
    set(this: object, value: unknown) {
      Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
    },
  });
}

/** Loads generated/<api>.validators.cjs (CommonJS: Ajv's standalone code `require`s its runtime helpers). */
export function loadPrecompiled(path: string): PrecompiledValidators {
  const generated = createRequire(import.meta.url)(path) as GeneratedModule;
  const request: Record<string, ValidateFunction[]> = {};
  const response: Record<string, Record<string, ValidateFunction>> = {};
  for (const [id, evaluate] of Object.entries(generated.operations)) {
    let evaluated: OperationValidators | undefined;
    const once = () => {
      evaluated ??= evaluate();
      return evaluated;
    };
    lazyProperty(request, id, () => once().request);
    lazyProperty(response, id, () => once().response);
  }
  return { sourceSha256: generated.sourceSha256, request, response };
}

/**
 * An openapi-backend over a copy of `definition`, as the twins, the conformance checker and the
 * build use it: a synchronous dereference and no second validation of the document (`quick`:
 * swagger-parser validated it when it was loaded or bundled), our Ajv options with one shared Ajv,
 * and its router (the validator's too) replaced by IndexedRouter, which lists operations once.
 * `dereferenced`: the document is already dereferenced (the retry below), not to be retried again.
 */
export async function indexedBackend(
  definition: OpenAPIV3.Document,
  options: Omit<Options, 'definition'> = {},
  dereferenced = false,
): Promise<{ backend: OpenAPIBackend; router: IndexedRouter }> {
  const backend = new OpenAPIBackend({
    definition: structuredClone(definition) as OpenAPIBackend['definition'],
    validate: true,
    quick: true,
    ajvOpts: { ...AJV_OPTIONS },
    customizeAjv: sharedAjv(),
    ...options,
  });
  await backend.init();
  if (!backend.definition && !dereferenced) {
    // Its quick dereference failed (it cannot follow a `$ref` into `#/paths/~1net~1status/…`, eos.local)
    // and it kept no definition: the document is given dereferenced by json-schema-ref-parser instead,
    // recursive references left as they are.
    const { default: $RefParser } = await import('@apidevtools/json-schema-ref-parser');
    const resolved = await $RefParser.dereference(structuredClone(definition) as never, { dereference: { circular: 'ignore' } });
    return indexedBackend(resolved as unknown as OpenAPIV3.Document, options, true);
  }
  const router = new IndexedRouter(backend.definition as OpenAPIV3.Document);
  backend.router = router;
  backend.validator.router = router;
  return { backend, router };
}

/**
 * Build time (`make generate`): compiles every operation's validators with openapi-backend's own
 * builders and returns them as CommonJS modules of Ajv standalone code, by path under generated/:
 * `<api>.validators.cjs` (the index) and `<api>.validators/<operationId>.cjs` (one per operation).
 * `definition` is the bundled spec, as the twin loads it.
 */
export async function precompiledSources(
  api: string,
  definition: OpenAPIV3.Document,
  sourceSha256: string,
  banner: string,
): Promise<Map<string, string>> {
  // CommonJS: module.exports is the function, and carries itself as `default` too.
  const standaloneCode = (await import('ajv/dist/standalone/index.js')).default.default;
  const ajvs = new Map<boolean, Ajv>();
  const { backend, router } = await indexedBackend(definition, {
    strict: true,
    coerceTypes: COERCE_TYPES,
    apiRoot: '/',
    ajvOpts: { ...AJV_OPTIONS, code: { source: true } },
    // One Ajv per coercion setting (not the shared one), whose compiled code standaloneCode exports.
    customizeAjv: (original, ajvOpts) => {
      const key = ajvOpts.coerceTypes === true;
      const ajv = ajvs.get(key) ?? original;
      ajvs.set(key, ajv);
      return ajv;
    },
  });
  const validator = backend.validator;

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

  // One file per operation, required when the operation is first used. In it, one scope per Ajv
  // that compiled a validator of it: each Ajv numbers its functions from 0, so their code cannot
  // share a scope. standaloneCode writes what the exports need and nothing else, so each
  // operation's code stands alone.
  const ajvList = [...names.keys()];
  const files = new Map<string, string>();
  const index: string[] = [];
  for (const id of Object.keys(request)) {
    const keys = [...(request[id] ?? []), ...Object.values(response[id] ?? {})];
    const scopes: string[] = [];
    const scopeOf = new Map<string, number>();
    ajvList.forEach((ajv, i) => {
      const exports = Object.fromEntries(keys.filter((k) => names.get(ajv)?.[k] !== undefined).map((k) => [k, k]));
      if (Object.keys(exports).length === 0) return;
      for (const k of Object.keys(exports)) scopeOf.set(k, i);
      scopes.push(`const scope${i} = (() => {\nconst exports = {};\n${standaloneCode(ajv, exports)}\nreturn exports;\n})();`);
    });
    const ref = (key: string) => `scope${scopeOf.get(key)}[${JSON.stringify(key)}]`;
    const requestCode = `[${(request[id] ?? []).map(ref).join(', ')}]`;
    const responseCode = `{ ${Object.entries(response[id] ?? {})
      .map(([status, key]) => `${JSON.stringify(status)}: ${ref(key)}`)
      .join(', ')} }`;
    const file = `${api}.validators/${id}.cjs`;
    files.set(
      file,
      ascii(
        [`// ${banner}`, "'use strict';", ...scopes, `module.exports = { request: ${requestCode}, response: ${responseCode} };`, ''].join(
          '\n',
        ),
      ),
    );
    index.push(`  ${JSON.stringify(id)}: () => require(${JSON.stringify(`./${file}`)}),`);
  }
  files.set(
    `${api}.validators.cjs`,
    ascii(
      [
        `// ${banner}`,
        "'use strict';",
        `exports.sourceSha256 = ${JSON.stringify(sourceSha256)};`,
        '// By operationId: its validators, each operation in a file of its own, read when first used.',
        `exports.operations = {\n${index.join('\n')}\n};`,
        '',
      ].join('\n'),
    ),
  );
  return files;
}

/**
 * ASCII only (other characters are only in the schemas' strings, where an escape means the same):
 * one character outside it makes V8 read and scan the whole file as UTF-16, twice the work.
 */
function ascii(source: string): string {
  return source.replace(/[^ -~\t\n\r]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Whether any schema in the document has `format: <name>`. */
function schemaUses(node: unknown, format: string): boolean {
  if (Array.isArray(node)) return node.some((n) => schemaUses(n, format));
  if (node === null || typeof node !== 'object') return false;
  const record = node as Record<string, unknown>;
  if (record.format === format) return true;
  return Object.values(record).some((v) => schemaUses(v, format));
}
