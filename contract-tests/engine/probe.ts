/**
 * Before any phase: is the target the API at all? A few of the spec's root
 * operations (GETs that need no parameters: MaxScale's `GET /`, pip's
 * heartbeat) are called once, with a short timeout. The run goes on when one
 * of them answers a documented status with a documented media type; it stops
 * at once, with one sentence saying why, when nothing answers, the
 * credentials are refused, or what answers is not the API (an HTML page, a
 * 404 for every root operation).
 */
import { mediaTypeDocumented } from '../../src/spec/conformance.js';
import type { Credentials } from './context.js';
import type { HttpClient } from './http.js';
import { describeOperation, isDocumented, type OperationInfo, type SpecModel } from './spec.js';
import type { HttpExchange } from './types.js';

const PROBE_TIMEOUT_MS = 5_000;
const MAX_PROBES = 3;

/** The operations that tell whether the target is the API: GETs without required parameters, shortest paths first. */
export function rootOperations(spec: SpecModel): OperationInfo[] {
  return spec.operations
    .filter((o) => o.method === 'GET' && !o.path.includes('{') && !o.parameters.some((p) => p.required))
    .sort((a, b) => a.path.length - b.path.length || a.path.localeCompare(b.path))
    .slice(0, MAX_PROBES);
}

function documentedMediaTypes(op: OperationInfo, status: number): string[] {
  const response = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.default;
  return Object.keys(response?.content ?? {});
}

const mediaType = (x: HttpExchange) => (x.response.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/** Why a connection failed, in a few words. */
function connectionProblem(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `did not answer within ${PROBE_TIMEOUT_MS / 1000} s`;
  const code = e.cause?.code;
  if (code === 'ECONNREFUSED') return 'refused the connection';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'does not resolve';
  if (code === 'ECONNRESET') return 'closed the connection';
  // Other causes (fetch refuses some ports outright: "bad port") as a clause of the sentence.
  return `could not be reached (${e.cause?.message ?? (err as Error).message ?? String(err)})`;
}

/** `undefined` when the target looks like the API; otherwise one sentence saying why the run cannot go on. */
export async function probeTarget(spec: SpecModel, http: HttpClient, credentials: Credentials | undefined): Promise<string | undefined> {
  const ops = rootOperations(spec);
  const url = http.baseUrl;
  if (ops.length === 0) {
    // Nothing to call without parameters: at least something must answer HTTP there.
    try {
      await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      return undefined;
    } catch (err) {
      return `nothing answers at ${url}: it ${connectionProblem(err)}.`;
    }
  }
  const notApi: string[] = [];
  for (const op of ops) {
    let x: HttpExchange;
    try {
      x = await http.send({ operationId: op.id, method: 'GET', path: op.path, timeoutMs: PROBE_TIMEOUT_MS });
    } catch (err) {
      return `nothing answers at ${url}: it ${connectionProblem(err)}.`;
    }
    const status = x.response.status;
    const type = mediaType(x);
    const call = `GET ${op.path}`;
    if (status === 401 && op.secured) {
      return credentials
        ? `the target refused the credentials of '${credentials.user}' (401 for ${call}): check --user and --password.`
        : `the target wants credentials (401 for ${call}): give --user and --password.`;
    }
    if (type === 'text/html') {
      notApi.push(`${call} answered ${status} with an HTML page`);
      continue;
    }
    if (!isDocumented(op, status) || (status === 404 && !op.responses['404'])) {
      notApi.push(`${call} answered ${status}, which ${describeOperation(op)} does not document`);
      continue;
    }
    const documented = documentedMediaTypes(op, status);
    if (x.response.text.length > 0 && documented.length > 0 && !mediaTypeDocumented(documented, type)) {
      notApi.push(`${call} answered ${status} as ${type || 'no Content-Type'}, not ${documented.join(' or ')}`);
      continue;
    }
    return undefined;
  }
  return `${url} does not answer as the API of "${spec.title}": ${notApi.join('; ')}.`;
}
