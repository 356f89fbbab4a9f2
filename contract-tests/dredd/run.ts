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
 */
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
import { type ApiName, specPath } from '../../src/spec/load.js';
import { type DreddHookSettings, setHookSettings } from './settings.js';

export interface DreddRunOptions {
  api: ApiName;
  /** Base URL of the implementation under test, e.g. http://127.0.0.1:8989 */
  endpoint: string;
  user?: string;
  password?: string;
  /** Reset the target's state before each transaction (our twins' test-only route). */
  isolate?: boolean;
}

export interface DreddTest {
  name: string;
  status: 'pass' | 'fail' | 'skip';
  message: string;
  request?: { method: string; uri: string; headers?: Record<string, string>; body?: string };
  response?: { statusCode: number; headers?: Record<string, string>; body?: string };
  expected?: { statusCode: string; body?: string };
}

export interface DreddResult {
  passed: number;
  failed: number;
  skipped: number;
  tests: DreddTest[];
}

interface DreddEventTest {
  title?: string;
  message?: string;
  request?: DreddTest['request'];
  actual?: DreddTest['response'];
  expected?: { statusCode?: string; body?: string };
}

interface DreddInstance {
  run(callback: (err: Error | null, stats: Record<string, number>) => void): void;
}

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

/** The spec as Dredd gets it: dereferenced, with only application/json request bodies. */
export async function dreddSpec(api: ApiName): Promise<OpenAPIV3.Document> {
  const doc = (await SwaggerParser.dereference(specPath(api))) as OpenAPIV3.Document;
  const copy = structuredClone(doc);
  for (const item of Object.values(copy.paths ?? {})) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const op = item?.[method];
      const body = op?.requestBody as OpenAPIV3.RequestBodyObject | undefined;
      if (body?.content?.['application/json']) {
        body.content = { 'application/json': body.content['application/json'] };
      }
    }
  }
  return copy;
}

/** The hooks as TypeScript (run through tsx) or, in a build, compiled to JavaScript. */
function hookFile(api: ApiName): string {
  const ts = join(here, 'hooks', `${api}.ts`);
  return existsSync(ts) ? ts : join(here, 'hooks', `${api}.js`);
}

export async function runDredd(opts: DreddRunOptions): Promise<DreddResult> {
  const dir = mkdtempSync(join(tmpdir(), 'apitwin-dredd-'));
  const file = join(dir, `${opts.api}.json`);
  writeFileSync(file, JSON.stringify(await dreddSpec(opts.api)));
  const settings: DreddHookSettings = {
    api: opts.api,
    endpoint: opts.endpoint.replace(/\/+$/, ''),
    isolate: opts.isolate ?? false,
    user: opts.user,
    password: opts.password,
  };
  setHookSettings(settings);
  const emitter = new EventEmitter();
  const tests: DreddTest[] = [];
  const record = (status: DreddTest['status']) => (test: DreddEventTest, callback?: () => void) => {
    tests.push({
      name: test.title ?? '(unnamed)',
      status,
      message: test.message ?? '',
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

  const Dredd = require('dredd') as new (config: Record<string, unknown>) => DreddInstance;
  const dredd = new Dredd({
    endpoint: settings.endpoint,
    path: [file],
    hookfiles: [hookFile(opts.api)],
    ...(opts.user !== undefined ? { user: `${opts.user}:${opts.password ?? ''}` } : {}),
    reporter: [],
    loglevel: 'silent',
    color: false,
    emitter,
  });
  try {
    await new Promise<void>((resolve, reject) => dredd.run((err) => (err ? reject(err) : resolve())));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    passed: tests.filter((t) => t.status === 'pass').length,
    failed: tests.filter((t) => t.status === 'fail').length,
    skipped: tests.filter((t) => t.status === 'skip').length,
    tests,
  };
}
