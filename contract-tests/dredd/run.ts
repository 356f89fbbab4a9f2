/**
 * The "examples" phase: Dredd replays every documented example of a spec
 * against a running implementation.
 *
 * Dredd is driven programmatically so its per-transaction results come back as
 * data. Two of its OpenAPI 3 gaps are handled here rather than ignored:
 * - it names transactions without the request media type, so an operation
 *   that accepts both application/json and application/vnd.api+json would give
 *   two transactions with one name; Dredd is given the application/json body
 *   only (the vnd.api+json path is covered by our HTTP tests and the
 *   conformance checks);
 * - it does not skip non-2xx responses under OpenAPI 3 (dredd #1257), so every
 *   documented error status becomes a transaction; the hooks make each one
 *   happen (no credentials for 401, an unknown name for 404, …).
 * Dredd's schema support is partial (it warns about `additionalProperties`
 * objects, `minLength`…); the conformance phase validates bodies with Ajv.
 *
 * Reading our own specs is Dredd's slowest step (its OpenAPI 3 parser: a fifth
 * of a MaxScale run, and its parsers' loading another second), and its result
 * only depends on the document: `make build` keeps the transactions Dredd
 * compiles from each of our specs beside this module
 * (`<api>.transactions.json`, with the SHA-256 of the document), and a run
 * whose document has that SHA-256 hands them to Dredd's transaction runner
 * instead of parsing the document again.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpenAPIV3 } from 'openapi-types';
import type { ApiName } from '../../src/spec/load.js';
import { isOurApi, loadSpecModel } from '../engine/spec.js';
import { errorStatusSkip, writeSkip } from './hooks/generic.js';
import type { DreddHooks, DreddTransaction, HookModule } from './hooks-api.js';
import { type DreddHookSettings, setHookSettings, skipReasons } from './settings.js';

export interface DreddRunOptions {
  /** One of our APIs (its hooks make every documented status happen), or any other name (generic hooks). */
  api: ApiName | string;
  /** The spec, dereferenced; by default our spec of `api`. */
  document?: OpenAPIV3.Document;
  /** Base URL of the implementation under test, e.g. http://127.0.0.1:8989 */
  endpoint: string;
  user?: string;
  password?: string;
  /** Reset the target's state before each transaction (our twins' test-only route). */
  isolate?: boolean;
  /** Replay examples that change the target's own objects (a switchover, a deleted admin). */
  allowDestructive?: boolean;
  /**
   * Why the spec refuses a request, if it does: the generic hooks skip a transaction Dredd built
   * incomplete from the examples (a required query parameter with no example left out), which no
   * implementation could answer with the documented 2xx.
   */
  requestRefusal?: DreddHookSettings['requestRefusal'];
}

export interface DreddTest {
  name: string;
  status: 'pass' | 'fail' | 'skip';
  message: string;
  request?: { method: string; uri: string; headers?: Record<string, string>; body?: string };
  response?: { statusCode: number; headers?: Record<string, string>; body?: string };
  expected?: { statusCode: string; body?: string };
  /** From the hooks' preparation to Dredd's verdict. */
  durationMs: number;
}

export interface DreddResult {
  passed: number;
  failed: number;
  skipped: number;
  tests: DreddTest[];
}

interface DreddEventTest {
  /** The transaction's id. */
  title?: string;
  message?: string;
  request?: DreddTest['request'];
  actual?: DreddTest['response'];
  expected?: { statusCode?: string; body?: string };
}

interface DreddInstance {
  run(callback: (err: Error | null, stats: Record<string, number>) => void): void;
  transactionRunner?: Partial<DreddRunner>;
  logger?: { log: (level: string, ...message: unknown[]) => unknown };
}

/** Dredd's OpenAPI 3 parser refused the description (it is experimental there, dredd #894): no transaction ran. */
export class DreddRefusedError extends Error {
  override readonly name = 'DreddRefusedError';
  constructor(readonly annotations: string[]) {
    super(`Dredd cannot process this API description: ${annotations[0] ?? 'no reason given'}`);
  }
}

/** A transaction as Dredd compiles it from a document (plain data: request, expected response, name, origin). */
type CompiledTransaction = Record<string, unknown>;

/** What `make build` writes to dist/contract-tests/dredd/<api>.transactions.json. */
interface CompiledTransactions {
  /** SHA-256 of the document (as `dreddSpec` gives it, serialised) the transactions were compiled from. */
  sha256: string;
  /** The media type Dredd's parser found the document to be. */
  mediaType: string;
  transactions: CompiledTransaction[];
}

/** The name Dredd gets the document under (it is in no transaction's name: one document per run). */
const DOCUMENT_NAME = 'openapi.json';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const compiledFile = (api: string) => fileURLToPath(new URL(`./${api}.transactions.json`, import.meta.url));

const require = createRequire(import.meta.url);

/** The spec as Dredd gets it: dereferenced, with only application/json request bodies. */
export async function dreddSpec(api: ApiName | string, document?: OpenAPIV3.Document): Promise<OpenAPIV3.Document> {
  const copy = structuredClone(document ?? (await loadSpecModel(api)).document);
  for (const item of Object.values(copy.paths ?? {})) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const op = item?.[method];
      const body = op?.requestBody as OpenAPIV3.RequestBodyObject | undefined;
      if (body?.content?.['application/json']) {
        body.content = { 'application/json': body.content['application/json'] };
      }
    }
  }
  withoutDescriptions(copy);
  return copy;
}

/**
 * Drops the prose Dredd never reads (`description`, a third of the dereferenced spec): its
 * OpenAPI 3 parser is the slowest part of a run. A Response object's description is required and
 * stays; examples, defaults and enums are data, kept whole.
 */
function withoutDescriptions(node: unknown, keepOwn = false, seen = new WeakSet<object>()): void {
  // A dereferenced recursive schema refers to itself: each object is visited once.
  if (node && typeof node === 'object') {
    if (seen.has(node)) return;
    seen.add(node);
  }
  if (Array.isArray(node)) {
    for (const item of node) withoutDescriptions(item, false, seen);
  } else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    for (const [key, value] of Object.entries(record)) {
      if (key === 'description' && typeof value === 'string') {
        if (!keepOwn) delete record[key];
      } else if (key === 'responses' && value && typeof value === 'object') {
        for (const response of Object.values(value)) withoutDescriptions(response, true, seen);
      } else if (key !== 'example' && key !== 'examples' && key !== 'default' && key !== 'enum') {
        withoutDescriptions(value, false, seen);
      }
    }
  }
}

/** A transaction Dredd is not given (see `replayable`): reported as skipped, with the hooks' reason. */
interface Withheld {
  name: string;
  reason: string;
}

const skipped = (w: Withheld): DreddTest => ({ name: w.name, status: 'skip', message: w.reason, durationMs: 0 });

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

/**
 * What Dredd is given of a spec not ours. The generic hooks replay only the documented 2xx examples
 * of reads (of writes too with --allow-destructive) and skip the rest; Dredd's parser takes about
 * 20 µs a byte of document (mailchimp.com's 2.7 MB: a minute), so it gets only the operations and
 * responses it will replay, and the components they use. The rest is reported as skipped with the
 * reason the hooks would give, without Dredd reading it.
 */
export function replayable(
  document: OpenAPIV3.Document,
  allowDestructive: boolean,
): { document: OpenAPIV3.Document; withheld: Withheld[] } {
  const withheld: Withheld[] = [];
  const paths: OpenAPIV3.PathsObject = {};
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    if (!item) continue;
    const kept: OpenAPIV3.PathItemObject = { ...item };
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const statuses = Object.keys(op.responses ?? {});
      const name = (status: string) => `${method.toUpperCase()} (${status}) ${path}`;
      if (method !== 'get' && method !== 'head' && !allowDestructive) {
        delete kept[method];
        for (const status of statuses) withheld.push({ name: name(status), reason: writeSkip(method.toUpperCase()) });
        continue;
      }
      const responses: OpenAPIV3.ResponsesObject = {};
      for (const status of statuses) {
        if (status.startsWith('2')) responses[status] = op.responses[status] as OpenAPIV3.ResponseObject;
        else withheld.push({ name: name(status), reason: errorStatusSkip(status) });
      }
      if (Object.keys(responses).length) kept[method] = { ...op, responses };
      else delete kept[method];
    }
    if (METHODS.some((m) => kept[m])) paths[path] = kept;
  }
  return { document: { ...document, paths, ...withUsedComponents(paths, document.components) }, withheld };
}

/** The component a `$ref` names, when it has the one form Dredd resolves: `#/components/<kind>/<name>`. */
export function componentOf(ref: string): { kind: string; name: string } | undefined {
  const m = /^#\/components\/([^/]+)\/([^/]+)$/.exec(ref);
  return m?.[1] && m[2] ? { kind: m[1], name: m[2].replace(/~1/g, '/').replace(/~0/g, '~') } : undefined;
}

/**
 * The components the paths use, through `$ref`s of the form `#/components/<kind>/<name>`, and the
 * ones those use (Dredd's parser scans every component schema for each media type it reads). All of
 * them when a `$ref` of another form is found.
 */
function withUsedComponents(
  paths: OpenAPIV3.PathsObject,
  components: OpenAPIV3.ComponentsObject | undefined,
): { components?: OpenAPIV3.ComponentsObject } {
  if (!components) return {};
  const used: Record<string, Record<string, unknown>> = {};
  const pending: unknown[] = [paths];
  const seen = new Set<string>();
  while (pending.length) {
    const node = pending.pop();
    if (!node || typeof node !== 'object') continue;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string') {
      const named = componentOf(ref);
      if (!named) return { components };
      const { kind, name } = named;
      const target = (components as Record<string, Record<string, unknown> | undefined>)[kind]?.[name];
      if (!seen.has(ref) && target !== undefined) {
        seen.add(ref);
        used[kind] = { ...used[kind], [name]: target };
        pending.push(target);
      }
    }
    for (const value of Object.values(node)) if (value && typeof value === 'object') pending.push(value);
  }
  return { components: { ...(components.securitySchemes ? { securitySchemes: components.securitySchemes } : {}), ...used } };
}

/**
 * Dredd's own reading of a document (dredd-transactions: parse, then compile), as `dredd.run()` does
 * it. Fails on an error annotation, as Dredd does ("API description processing error").
 */
export async function compileTransactions(content: string): Promise<Omit<CompiledTransactions, 'sha256'>> {
  const parse = require('dredd-transactions/parse') as (
    content: string,
    callback: (err: Error | null, result: { mediaType: string; apiElements: unknown }) => void,
  ) => void;
  const compile = require('dredd-transactions/compile') as (
    mediaType: string,
    apiElements: unknown,
    location: string,
  ) => { transactions: CompiledTransaction[]; annotations: { type: string; message: string }[] };
  const parsed = await new Promise<{ mediaType: string; apiElements: unknown }>((resolve, reject) =>
    parse(content, (err, result) => (err ? reject(err) : resolve(result))),
  );
  const { transactions, annotations } = compile(parsed.mediaType, parsed.apiElements, DOCUMENT_NAME);
  const errors = annotations.filter((a) => a.type === 'error');
  if (errors.length) throw new Error(`Dredd cannot read the document: ${errors.map((e) => e.message).join('; ')}`);
  return { mediaType: parsed.mediaType, transactions };
}

/** `make build`: Dredd's transactions of one of our specs, written beside this module (see the top of the file). */
export async function writeCompiledTransactions(api: ApiName): Promise<string> {
  const content = JSON.stringify(await dreddSpec(api));
  const compiled: CompiledTransactions = { sha256: sha256(content), ...(await compileTransactions(content)) };
  writeFileSync(compiledFile(api), `${JSON.stringify(compiled)}\n`);
  return compiledFile(api);
}

/** The transactions `make build` compiled from this very document, if it did. */
function compiledTransactions(api: string, content: string): CompiledTransactions | undefined {
  if (!isOurApi(api) || !existsSync(compiledFile(api))) return undefined;
  const compiled = JSON.parse(readFileSync(compiledFile(api), 'utf8')) as CompiledTransactions;
  return compiled.sha256 === sha256(content) ? compiled : undefined;
}

/**
 * Dredd's transaction runner, as far as we drive it. Dredd's own way to load hooks (proxyquire
 * of hook files, handing them its Hooks object as the CommonJS module `hooks`) cannot load an ES
 * module (ours, in the build and the package), only logs a warning when a file fails to load, and
 * deep-copies its whole parsed configuration for each run (most of a run's CPU time). So no hook
 * file is given; the runner's Hooks object, created empty, gets our hooks registered just before
 * the transactions run. Dredd is pinned (14.1.0, no longer maintained): if this seam moves, the
 * run stops saying so.
 */
interface DreddRunner {
  executeAllTransactions(transactions: unknown[], hooks: DreddHooks, callback: (err?: unknown) => void): void;
}

/** Imports the API's hook module (the generic one for a spec not ours); a failure names the module and its cause. */
async function loadHooks(api: ApiName | string): Promise<HookModule> {
  const url = new URL(`./hooks/${isOurApi(api) ? api : 'generic'}.js`, import.meta.url);
  try {
    const mod = (await import(url.href)) as Partial<HookModule>;
    if (typeof mod.beforeEach !== 'function') throw new Error('it does not export beforeEach()');
    return mod as HookModule;
  } catch (err) {
    throw new Error(`the Dredd hooks for ${api} (${url.pathname}) failed to load: ${(err as Error).message}`);
  }
}

/** Runs an async step in a callback-style Dredd hook; a failure fails the transaction with its reason. */
function hookStep(fn: (t: DreddTransaction) => Promise<void> | void, stage: string) {
  return (t: DreddTransaction, done: (err?: unknown) => void) => {
    Promise.resolve()
      .then(() => fn(t))
      .then(
        () => done(),
        (err: unknown) => {
          t.fail = `${stage} hook failed: ${err instanceof Error ? err.message : String(err)}`;
          done();
        },
      );
  };
}

/** Dredd's runner, set up to run: either `dredd.run()` (reads and parses the document), or the runner alone with compiled transactions. */
interface PreparedRun {
  runner: Partial<DreddRunner> | undefined;
  run: () => Promise<void>;
  /** Removes what the run would have used, when it does not happen. */
  discard: () => void;
}

/**
 * Dredd as its users run it: the document written to a file, read, parsed and compiled by
 * `dredd.run()`. `registered` tells whether the hooks were registered (transactions ran).
 */
function dreddRun(config: Record<string, unknown>, content: string, registered: () => boolean): PreparedRun {
  const Dredd = require('dredd') as new (config: Record<string, unknown>) => DreddInstance;
  const dir = mkdtempSync(join(tmpdir(), 'apitwin-dredd-'));
  const file = join(dir, DOCUMENT_NAME);
  writeFileSync(file, content);
  const dredd = new Dredd({ ...config, path: [file] });
  const discard = () => rmSync(dir, { recursive: true, force: true });
  return {
    runner: dredd.transactionRunner,
    run: async () => {
      // Dredd logs why it refuses a description (its parser's error annotations) and then fails with
      // only "API description processing error": the annotations are kept for the error it ends with.
      const refusals: string[] = [];
      const logger = dredd.logger;
      const log = logger?.log;
      if (logger && typeof log === 'function') {
        logger.log = (level: string, ...message: unknown[]) => {
          if (level === 'error') refusals.push(message.map(String).join(' '));
          return log.call(logger, level, ...message);
        };
      }
      try {
        await new Promise<void>((resolve, reject) => dredd.run((err) => (err ? reject(err) : resolve())));
      } catch (err) {
        // Before its transactions run, Dredd is reading the document: its parser refused it, or
        // failed on it (api-elements throws a TypeError on some documents, cloudmersive.com/ocr's).
        if (!registered()) throw new DreddRefusedError(refusals.length ? refusals : [(err as Error).message]);
        throw err;
      } finally {
        if (logger && log) logger.log = log;
        discard();
      }
    },
    discard,
  };
}

/**
 * What `dredd.run()` does once it has compiled the transactions (Dredd 14.1.0's Dredd.js): the same
 * configuration and transaction runner, given the transactions `make build` compiled from the same
 * document. No reporter is configured: ours listen on the emitter.
 */
function compiledRun(config: Record<string, unknown>, { mediaType, transactions }: CompiledTransactions): PreparedRun {
  const { applyConfiguration } = require('dredd/build/configuration') as {
    applyConfiguration: (config: Record<string, unknown>) => Record<string, unknown>;
  };
  const { default: TransactionRunner } = require('dredd/build/TransactionRunner') as {
    default: new (
      configuration: Record<string, unknown>,
    ) => DreddRunner & {
      config(configuration: Record<string, unknown>): void;
      run(transactions: unknown[], callback: (err?: unknown) => void): void;
    };
  };
  const apiDescription = { location: DOCUMENT_NAME, mediaType };
  const configuration = applyConfiguration(config);
  configuration.apiDescriptions = [apiDescription];
  const runner = new TransactionRunner(configuration);
  runner.config(configuration);
  return {
    runner,
    run: () =>
      new Promise<void>((resolve, reject) =>
        runner.run(
          transactions.map((t) => ({ apiDescription, ...t })),
          (err) => (err ? reject(err) : resolve()),
        ),
      ),
    discard: () => {},
  };
}

export async function runDredd(opts: DreddRunOptions): Promise<DreddResult> {
  let document = opts.document;
  let withheld: Withheld[] = [];
  if (!isOurApi(opts.api)) {
    ({ document, withheld } = replayable(document ?? (await loadSpecModel(opts.api)).document, opts.allowDestructive ?? false));
    if (Object.keys(document.paths ?? {}).length === 0) {
      return { passed: 0, failed: 0, skipped: withheld.length, tests: withheld.map(skipped) };
    }
  }
  const content = JSON.stringify(await dreddSpec(opts.api, document));
  const module = await loadHooks(opts.api);
  const settings: DreddHookSettings = {
    api: opts.api,
    endpoint: opts.endpoint.replace(/\/+$/, ''),
    isolate: opts.isolate ?? false,
    allowDestructive: opts.allowDestructive ?? false,
    user: opts.user,
    password: opts.password,
    ...(opts.requestRefusal ? { requestRefusal: opts.requestRefusal } : {}),
  };
  setHookSettings(settings);
  skipReasons.clear();
  const started = new Map<string, number>();
  let registered = false;
  const register = (hooks: DreddHooks) => {
    registered = true;
    hooks.beforeEach((t, done) => {
      started.set(t.id, performance.now());
      hookStep(module.beforeEach, 'before')(t, done);
    });
    const after = module.afterEach;
    if (after) hooks.afterEach(hookStep(after, 'after'));
  };
  const emitter = new EventEmitter();
  const tests: DreddTest[] = withheld.map(skipped);
  const record = (status: DreddTest['status']) => (test: DreddEventTest, callback?: () => void) => {
    const id = test.title ?? '';
    const begun = started.get(id);
    tests.push({
      name: id || '(unnamed)',
      status,
      message: (status === 'skip' ? skipReasons.get(id) : undefined) ?? test.message ?? '',
      durationMs: begun === undefined ? 0 : performance.now() - begun,
      ...(test.request ? { request: test.request } : {}),
      ...(test.actual ? { response: test.actual } : {}),
      ...(test.expected
        ? { expected: { statusCode: test.expected.statusCode ?? '', ...(test.expected.body ? { body: test.expected.body } : {}) } }
        : {}),
    });
    callback?.();
  };
  emitter.on('test pass', record('pass'));
  emitter.on('test fail', record('fail'));
  emitter.on('test skip', record('skip'));
  emitter.on('test error', (err: Error, test: DreddEventTest, callback?: () => void) => {
    record('fail')({ ...test, message: `${test.message ?? ''} ${err.message}`.trim() });
    callback?.();
  });
  emitter.on('start', (_descriptions: unknown, callback?: () => void) => callback?.());
  emitter.on('end', (callback?: () => void) => callback?.());
  emitter.on('test start', (_test: unknown, callback?: () => void) => callback?.());

  // Dredd always adds its CLI reporter (a line per transaction) and `loglevel` does not reach it; our reporters print instead.
  const reporterOutput = require('dredd/build/reporters/reporterOutputLogger') as {
    default?: { transports?: { console?: { silent?: boolean } } };
  };
  const console = reporterOutput.default?.transports?.console;
  if (console) console.silent = true;
  const config = {
    endpoint: settings.endpoint,
    hookfiles: [],
    ...(opts.user !== undefined ? { user: `${opts.user}:${opts.password ?? ''}` } : {}),
    reporter: [],
    loglevel: 'silent',
    color: false,
    emitter,
  };
  const compiled = compiledTransactions(opts.api, content);
  const { runner, run, discard } = compiled ? compiledRun(config, compiled) : dreddRun(config, content, () => registered);
  const execute = runner?.executeAllTransactions;
  if (!runner || typeof execute !== 'function') {
    discard();
    throw new Error(
      'cannot register the Dredd hooks: this Dredd has no transactionRunner.executeAllTransactions (apitwin needs dredd 14.1.0)',
    );
  }
  runner.executeAllTransactions = (transactions, hooks, callback) => {
    register(hooks);
    execute.call(runner, transactions, hooks, callback);
  };
  await run();
  if (!registered) throw new Error('Dredd ran without its hooks (they were never registered): every result would be false');
  return {
    passed: tests.filter((t) => t.status === 'pass').length,
    failed: tests.filter((t) => t.status === 'fail').length,
    skipped: tests.filter((t) => t.status === 'skip').length,
    tests,
  };
}
