/**
 * Safe by default against a system the suite did not create. Every write a
 * phase sends is planned from the spec first:
 *
 * - `create`: a new object with a fresh name; deleted again at the end of the run;
 * - `object`: it addresses one object (a REST item path, or an RPC command naming
 *   `<noun>_id`): only ever one this run created, or a name nothing has;
 * - `setting`: a path without an object that a GET on the same path reads
 *   (MaxScale's `PATCH /maxscale`): read before, and put back after any write
 *   the target accepted;
 * - `action`: anything else (a module command such as a switchover, pip's
 *   close_expired_sessions): the suite cannot undo it, so it is skipped with
 *   that reason unless `--allow-destructive`.
 *
 * At the end of the run `cleanup` deletes what the run created and is still
 * there, after letting go of its JSON API relationships (which may be stored
 * on the target's objects: a server's services, a monitor's servers).
 */
import type { RunContext, SendRequest } from './context.js';
import { exampleBody, request } from './requests.js';
import { isObject, type OperationInfo, type ResourceGroup, type RpcGroup, type SpecModel, valueAt } from './spec.js';
import type { HttpExchange } from './types.js';

export type WritePlan =
  | { kind: 'read' }
  | { kind: 'create' }
  | { kind: 'object'; group: ResourceGroup | undefined; rpc: RpcGroup | undefined }
  | { kind: 'setting'; read: OperationInfo }
  | { kind: 'action' };

/** The group whose objects the operation's path addresses (the longest item path that prefixes it). */
export function groupOfPath(spec: SpecModel, op: OperationInfo): ResourceGroup | undefined {
  return spec.groups
    .filter((g) => op.path === g.itemPath || op.path.startsWith(`${g.itemPath}/`))
    .sort((a, b) => b.itemPath.length - a.itemPath.length)[0];
}

export function planOf(spec: SpecModel, op: OperationInfo): WritePlan {
  if (op.kind === 'read') return { kind: 'read' };
  if (op.kind === 'create') return { kind: 'create' };
  const group = groupOfPath(spec, op);
  if (group) return { kind: 'object', group, rpc: undefined };
  const rpc = spec.rpcGroups.find((g) => g.read === op || g.delete === op || g.updates.includes(op));
  if (rpc) return { kind: 'object', group: undefined, rpc };
  const read = spec.operations.find((o) => o.method === 'GET' && o.path === op.path);
  if (read && !op.path.includes('{') && (op.method === 'PATCH' || op.method === 'PUT')) return { kind: 'setting', read };
  return { kind: 'action' };
}

/** Why an action is not sent by default. */
export function actionReason(op: OperationInfo): string {
  return `${op.method} ${op.path} changes the target in a way the suite cannot undo; replayed only with --allow-destructive`;
}

/** The sent body with each value replaced by the one the target had before: what puts the setting back. */
export function restoringBody(sent: unknown, before: unknown, path: string[] = []): unknown {
  if (isObject(sent)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(sent)) {
      const r = restoringBody(v, before, [...path, k]);
      if (r !== undefined) out[k] = r;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return valueAt(before, path);
}

const is2xx = (x: HttpExchange): boolean => x.response.status >= 200 && x.response.status < 300;

/**
 * Sends a write to a shared setting: reads the setting first and, when the target accepted the
 * write, sends back the values it had for every field the write named.
 */
export async function sendRestoring(ctx: RunContext, plan: { read: OperationInfo }, req: SendRequest): Promise<HttpExchange> {
  const before = await ctx.http.send(request(ctx, plan.read));
  const x = await ctx.send(req);
  if (!is2xx(x)) return x;
  if (!is2xx(before)) {
    ctx.restoreProblems.push(`${req.method} ${req.path} was accepted, but ${plan.read.path} could not be read before it to put it back`);
    return x;
  }
  let sent: unknown = req.body;
  if (req.raw) {
    try {
      sent = JSON.parse(String(req.body));
    } catch {
      sent = undefined;
    }
  }
  const op = req.operationId ? ctx.spec.byId.get(req.operationId) : undefined;
  const shape = isObject(sent) ? sent : op ? exampleBody(op)?.value : undefined;
  const body = restoringBody(shape, before.response.body);
  if (body === undefined) return x;
  const back = await ctx.http.send({ method: req.method, path: req.path, body });
  if (!is2xx(back)) {
    ctx.restoreProblems.push(
      `${req.method} ${req.path} changed a setting that could not be put back (${back.response.status} ${back.response.text.slice(0, 200)})`,
    );
  }
  return x;
}

/** The JSON API relationships an object has, as their names. */
function relationshipNames(x: HttpExchange): string[] {
  const body = x.response.body;
  const data = isObject(body) && isObject(body.data) ? body.data : undefined;
  const rels = data && isObject(data.relationships) ? data.relationships : {};
  return Object.entries(rels)
    .filter(([, v]) => isObject(v) && Array.isArray(v.data) && v.data.length > 0)
    .map(([k]) => k);
}

/** Deletes one object this run created; if refused, lets go of its relationships first and tries again. */
async function removeObject(ctx: RunContext, group: ResourceGroup, params: Record<string, string>): Promise<boolean> {
  const del = group.delete;
  if (!del) return true;
  const gone = (x: HttpExchange) => is2xx(x) || x.response.status === 404;
  if (gone(await ctx.http.send(request(ctx, del, { params })))) return true;
  const read = await ctx.http.send(request(ctx, group.read, { params }));
  const names = relationshipNames(read);
  if (group.update && names.length) {
    const id = params[group.itemParam];
    const type = isObject(read.response.body) && isObject(read.response.body.data) ? read.response.body.data.type : undefined;
    const relationships = Object.fromEntries(names.map((n) => [n, { data: [] }]));
    await ctx.http.send(request(ctx, group.update, { params, body: { data: { id, type, relationships } } }));
  }
  return gone(await ctx.http.send(request(ctx, del, { params })));
}

/** Deletes what the run created and is still there (deepest collections first, a few passes for objects that use each other). */
export async function cleanup(ctx: RunContext): Promise<void> {
  const groups = [...ctx.spec.groups].sort((a, b) => b.itemPath.length - a.itemPath.length);
  for (let pass = 0; pass < 3; pass += 1) {
    let left = 0;
    for (const group of groups) {
      const keep: Record<string, string>[] = [];
      for (const params of ctx.created.get(group.name) ?? []) {
        if (!(await removeObject(ctx, group, params))) keep.push(params);
      }
      ctx.created.set(group.name, keep);
      left += keep.length;
    }
    if (left === 0) break;
  }
  for (const group of groups) {
    for (const params of ctx.created.get(group.name) ?? []) {
      ctx.restoreProblems.push(`${group.itemPath} ${params[group.itemParam]}, created by this run, could not be deleted`);
    }
  }
  for (const { group, id } of ctx.createdRpc.splice(0)) {
    if (group.delete) await ctx.http.send(request(ctx, group.delete, { body: { [group.idField]: id } }));
  }
}
