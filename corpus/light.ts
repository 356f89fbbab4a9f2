/**
 * The light pass `make test` runs on its corpus sample, in place of the whole
 * contract suite (which takes too long for a hundred specs in `make test`):
 * every operation called once with its documented example request, and no
 * answer may be a 5xx (the twin validates each response against the spec and
 * answers 500 when one breaks it); then each inferred resource's round trip:
 * create, read back (2xx), delete, read again (404, or the status the read documents for
 * "not found").
 */
import { exampleBody } from '../contract-tests/engine/requests.js';
import { buildPath, documentsClientErrors, isObject, notFoundStatuses, type OperationInfo } from '../contract-tests/engine/spec.js';
import type { GenericApp } from '../src/generic/app.js';
import { collectionOf } from '../src/generic/resources.js';

/** How long one request may take (the first request of an operation compiles its validators). */
const CALL_TIMEOUT_MS = 10_000;

export interface LightOutcome {
  served: boolean;
  passed: number;
  problems: string[];
}

async function call(
  url: string,
  op: OperationInfo,
  path: string,
  withBody: boolean,
): Promise<{ status: number; text: string; body: unknown }> {
  // A GET or HEAD carries no body (fetch refuses one), whatever the spec declares.
  const bodyAllowed = withBody && op.method !== 'GET' && op.method !== 'HEAD';
  const example = bodyAllowed ? (exampleBody(op, 'application/json') ?? exampleBody(op)) : undefined;
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: string | undefined;
  if (example && example.value !== undefined) {
    headers['Content-Type'] = example.mediaType;
    body = typeof example.value === 'string' ? example.value : JSON.stringify(example.value);
  }
  let res: Response;
  let text: string;
  try {
    res = await fetch(`${url}${path}`, { method: op.method, headers, body, signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
    text = await res.text();
  } catch (err) {
    // No answer in time, or none at all: that operation's problem, not the end of the pass.
    return { status: 0, text: `no answer: ${(err as Error).message}`, body: undefined };
  }
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, text, body: parsed };
}

/** `onServed`: called once the twin has answered its spec, before the operations are called. */
export async function lightCheck(generic: GenericApp, url: string, onServed?: () => void): Promise<LightOutcome> {
  const problems: string[] = [];
  let passed = 0;
  const docs = await fetch(`${url}/openapi.json`).catch(() => undefined);
  const served = docs?.status === 200;
  if (!served) problems.push('GET /openapi.json did not answer 200');
  else onServed?.();
  const base = `${url}${generic.basePath}`;
  for (const op of generic.model.operations) {
    const x = await call(base, op, buildPath(op), true);
    if (x.status >= 500 || x.status === 0) problems.push(`${op.method} ${op.path} (${op.id}): ${x.status || ''} ${x.text.slice(0, 200)}`);
    else passed += 1;
  }
  for (const resource of generic.twin.resources) {
    const { group } = resource;
    const parentParams: Record<string, unknown> = {};
    // Under the first existing parent object (a seeded one), when the collection is nested.
    if (resource.parent) {
      const parent = resource.parent;
      const readParams: Record<string, unknown> = {};
      for (const p of parent.group.read.parameters) if (p.in === 'path') readParams[p.name] = undefined;
      const objects = generic.twin.store.list<Record<string, unknown>>(collectionOf(parent, parentParams));
      if (!objects[0]) continue;
      parentParams[parent.group.itemParam] = objects[0][parent.idProp];
      if (parent.parent) continue;
    }
    const created = await call(base, group.create, buildPath(group.create, parentParams), true);
    if (created.status >= 300) continue; // an example the spec's own schema refuses, answered with a 4xx
    const body = created.body;
    const id = isObject(body) ? body[resource.idProp] : undefined;
    if (id === undefined) continue;
    const params = { ...parentParams, [group.itemParam]: id };
    const read = await call(base, group.read, buildPath(group.read, params), false);
    if (read.status >= 300 || read.status === 0) problems.push(`${group.name}: created ${String(id)}, then read ${read.status}`);
    if (!group.delete) continue;
    const deleted = await call(base, group.delete, buildPath(group.delete, params), false);
    if (deleted.status >= 300 || deleted.status === 0) problems.push(`${group.name}: delete of ${String(id)} answered ${deleted.status}`);
    const after = await call(base, group.read, buildPath(group.read, params), false);
    // Gone is what the contract suite takes for gone: 404, or the status the read documents for it
    // (AWS's 48x ResourceNotFoundException); a read that documents no client error cannot say it.
    const gone = !documentsClientErrors(group.read) || notFoundStatuses(group.read).includes(after.status);
    if (!gone && after.status < 500) problems.push(`${group.name}: read after delete answered ${after.status}`);
    else passed += 1;
  }
  return { served, passed, problems };
}
