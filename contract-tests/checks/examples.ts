/**
 * Phase 1, example_replay: Dredd, driven by `contract-tests/dredd/run.ts`,
 * replays every documented example (error statuses included, made to happen
 * by its hooks) and compares the response with the documented one. Each
 * Dredd transaction becomes one case. Dredd's OpenAPI 3 gaps (one request
 * media type per operation, partial JSON Schema support) are not skipped
 * silently: the later phases, which do not use Dredd, send every documented
 * media type and validate every body with Ajv.
 */
import type { OpenAPIV3 } from 'openapi-types';
import { componentOf, DreddRefusedError, type DreddTest, runDredd } from '../dredd/run.js';
import type { RunContext } from '../engine/context.js';
import { toCurl } from '../engine/http.js';
import { isOurApi, type SpecModel } from '../engine/spec.js';
import type { Failure, HttpExchange } from '../engine/types.js';

/** A failed Dredd transaction as a failure: its request and response, and Dredd's own verdict. */
function dreddFailure(t: DreddTest, endpoint: string): Failure {
  const expected = t.expected?.statusCode
    ? `${t.expected.statusCode}${t.expected.body ? ' with the documented example body' : ''}`
    : 'the documented example';
  const received = t.response
    ? `${t.response.statusCode} ${(t.response.body ?? '').replace(/\s+/g, ' ').slice(0, 300)}`.trim()
    : '(no response)';
  const failure: Failure = {
    title: 'Documented example not reproduced',
    message: `Received: ${received}\nDocumented: ${expected}${t.message ? `\nDredd: ${t.message.trim()}` : ''}`,
    expected,
  };
  if (t.request) {
    const exchange: HttpExchange = {
      operationId: undefined,
      request: {
        method: t.request.method,
        url: `${endpoint}${t.request.uri}`,
        headers: t.request.headers ?? {},
        ...(t.request.body ? { body: t.request.body } : {}),
      },
      response: {
        status: t.response?.statusCode ?? 0,
        headers: t.response?.headers ?? {},
        body: parseJson(t.response?.body),
        text: t.response?.body ?? '',
      },
      durationMs: 0,
    };
    failure.exchange = exchange;
    failure.curl = toCurl(exchange.request);
  }
  return failure;
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function runExamplesPhase(ctx: RunContext): Promise<void> {
  ctx.beginPhase('examples');
  ctx.progress('Dredd');
  // Our hooks address our twins below the target (they add /v1); a spec not ours is replayed below its server path.
  const endpoint = isOurApi(ctx.spec.api) ? ctx.options.target.replace(/\/+$/, '') : ctx.http.baseUrl;
  let result: Awaited<ReturnType<typeof runDredd>>;
  try {
    result = await runDredd({
      api: ctx.spec.api,
      document: dreddDocument(ctx.spec),
      requestRefusal: (request) => ctx.checker.requestRefusal(request),
      endpoint,
      ...(ctx.credentials ? { user: ctx.credentials.user, password: ctx.credentials.password } : {}),
      isolate: ctx.options.isolate ?? false,
      allowDestructive: ctx.options.allowDestructive ?? false,
    });
  } catch (err) {
    if (!(err instanceof DreddRefusedError)) throw err;
    // Dredd's parser, not the target, is at fault: the other phases still judge every operation.
    ctx.report({ check: 'example_replay', name: ctx.spec.api, status: 'skip', reason: err.message, failures: [], durationMs: 0 });
    ctx.endPhase();
    return;
  }
  for (const t of result.tests) {
    ctx.report({
      check: 'example_replay',
      name: t.name,
      status: t.status,
      failures: t.status === 'fail' ? [dreddFailure(t, endpoint)] : [],
      ...(t.status === 'skip' ? { reason: t.message || 'skipped by Dredd' } : {}),
      durationMs: t.durationMs,
    });
  }
  ctx.endPhase();
}

/**
 * The document Dredd reads. Its OpenAPI 3 parser takes time in proportion to the text (about 10 µs
 * a byte), and dereferencing repeats a shared schema at every use: googleapis.com/analytics grows
 * from 118 to 293 kB and Jira's from 1.1 to 3 MB, and Dredd's reading from 1.2 to 3.7 s and from 6
 * to 17 s. So a spec not ours whose `$ref`s all name a component (what Dredd resolves itself) is
 * given bundled. Ours keep the dereferenced form their compiled transactions were made from (see
 * contract-tests/dredd/run.ts). A recursive schema makes the dereferenced spec circular, which
 * JSON cannot carry: such a spec is given bundled too.
 */
export function dreddDocument(spec: SpecModel): OpenAPIV3.Document {
  if (!isOurApi(spec.api) && refsNameComponents(spec.bundled)) return spec.bundled;
  return isCircular(spec.document) ? spec.bundled : spec.document;
}

/** Whether every `$ref` of the document has the form Dredd resolves: `#/components/<kind>/<name>`. */
function refsNameComponents(doc: unknown): boolean {
  const stack: unknown[] = [doc];
  while (stack.length) {
    const node = stack.pop();
    if (!node || typeof node !== 'object') continue;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && !componentOf(ref)) return false;
    for (const value of Object.values(node)) if (value && typeof value === 'object') stack.push(value);
  }
  return true;
}

function isCircular(doc: unknown): boolean {
  try {
    JSON.stringify(doc);
    return false;
  } catch {
    return true;
  }
}
