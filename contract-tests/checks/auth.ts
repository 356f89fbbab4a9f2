/**
 * Phase 5, auth (APIs whose spec requires credentials, MaxScale):
 *
 * - ignored_auth: every secured operation, called without credentials and
 *   with a wrong password, answers 401. (That the 401 carries the documented
 *   `WWW-Authenticate` header is response_headers_conformance's business, so
 *   each property has one check.)
 * - basic_account_read_only: a `basic` account, created through the spec's
 *   user-creating operation (MaxScale's `POST /users/inet`), can read, and
 *   every write answers 401 (Resources-User.md: "a basic user … 401 Unauthorized").
 *
 * Requests that would change something if wrongly accepted use fresh names,
 * so an implementation that ignores credentials does not lose its objects.
 */
import type { RunContext, SendRequest } from '../engine/context.js';
import { describeResponse } from '../engine/context.js';
import { createdId, freshen, is2xx, remember, request } from '../engine/requests.js';
import { actionReason, planOf, sendRestoring } from '../engine/safety.js';
import { describeOperation, isObject, type OperationInfo, objectParam, pathParams, schemaAt } from '../engine/spec.js';
import type { Failure, HttpExchange } from '../engine/types.js';

const WRONG_PASSWORD = 'contract-test-wrong-password';

/**
 * A request that is harmless if wrongly accepted: creates get fresh names (and are deleted at the
 * end), every other write addresses an object that does not exist, and a write to a shared setting
 * is put back. `undefined` for an action the suite cannot undo when destructive requests are off.
 */
function harmless(ctx: RunContext, op: OperationInfo): SendRequest | undefined {
  const params: Record<string, string> = {};
  const last = objectParam(op);
  const plan = planOf(ctx.spec, op);
  if (op.kind !== 'read' && op.kind !== 'create' && last) params[last] = ctx.fresh('missing');
  else if (plan.kind === 'action' && !ctx.options.allowDestructive) return undefined;
  const body = structuredClone(op.bodyExamples[0]?.value);
  if (op.kind === 'create') freshen(ctx, body);
  return request(ctx, op, { params, ...(body !== undefined ? { body } : {}) });
}

/** Sends a harmless request (see above): a shared setting is put back if the write was accepted; an accepted create is deleted at the end. */
async function sendHarmless(ctx: RunContext, op: OperationInfo, req: SendRequest): Promise<HttpExchange> {
  const plan = planOf(ctx.spec, op);
  const x = plan.kind === 'setting' ? await sendRestoring(ctx, plan, req) : await ctx.send(req);
  const group = ctx.spec.groups.find((g) => g.create === op);
  const id = op.kind === 'create' && x.response.status < 300 ? createdId(req.body, x) : undefined;
  if (group && id && !group.parent) remember(ctx, group, { [group.itemParam]: id });
  return x;
}

async function ignoredAuth(ctx: RunContext, secured: OperationInfo[]): Promise<void> {
  const user = ctx.credentials?.user ?? 'admin';
  for (const op of secured) {
    ctx.progress(`ignored_auth ${op.id}`);
    const failures: Failure[] = [];
    let duration = 0;
    if (!harmless(ctx, op)) {
      ctx.report({ check: 'ignored_auth', name: describeOperation(op), status: 'skip', reason: actionReason(op), failures, durationMs: 0 });
      continue;
    }
    for (const [what, auth] of [
      ['no credentials', null],
      ['a wrong password', { user, password: WRONG_PASSWORD }],
    ] as const) {
      const req = harmless(ctx, op) as SendRequest;
      const x = await sendHarmless(ctx, op, { ...req, auth });
      duration += x.durationMs;
      if (x.response.status !== 401) {
        failures.push(ctx.failure(`Request with ${what} not refused`, describeResponse(x), '401 Unauthorized', x));
      }
    }
    ctx.report({
      check: 'ignored_auth',
      name: describeOperation(op),
      status: failures.length ? 'fail' : 'pass',
      failures,
      durationMs: duration,
    });
  }
}

/** The create operation whose body has an `account` that can be `basic` (MaxScale's `POST /users/inet`). */
function basicAccountCreator(ctx: RunContext): { op: OperationInfo; path: string[] } | undefined {
  for (const op of ctx.spec.operations.filter((o) => o.kind === 'create' && o.requestSchema)) {
    for (const path of [['data', 'attributes', 'account'], ['account']]) {
      const schema = schemaAt(op.requestSchema, path);
      if (schema?.enum?.includes('basic')) return { op, path };
    }
  }
  return undefined;
}

function setAt(body: unknown, path: string[], value: unknown): void {
  let node = body;
  for (const key of path.slice(0, -1)) {
    if (!isObject(node)) return;
    if (!isObject(node[key])) node[key] = {};
    node = node[key];
  }
  const last = path[path.length - 1];
  if (isObject(node) && last) node[last] = value;
}

async function basicAccountReadOnly(ctx: RunContext, secured: OperationInfo[]): Promise<void> {
  const creator = basicAccountCreator(ctx);
  if (!creator) {
    ctx.report({
      check: 'basic_account_read_only',
      name: ctx.spec.api,
      status: 'skip',
      reason: 'the spec has no operation that creates a basic account (MaxScale: POST /users/inet)',
      failures: [],
      durationMs: 0,
    });
    return;
  }
  const { op } = creator;
  const body = structuredClone(op.bodyExamples.find((b) => b.mediaType === 'application/json')?.value ?? op.bodyExamples[0]?.value);
  freshen(ctx, body);
  setAt(body, creator.path, 'basic');
  const passwordPath = [...creator.path.slice(0, -1), 'password'];
  const password = ctx.fresh('pw');
  if (schemaAt(op.requestSchema, passwordPath)) setAt(body, passwordPath, password);
  const made = await ctx.send(request(ctx, op, { body }));
  const name = is2xx(made) ? createdId(body, made) : undefined;
  if (!name) {
    ctx.report({
      check: 'basic_account_read_only',
      name: `creating a basic account with ${describeOperation(op)}`,
      status: 'fail',
      failures: [ctx.failure('Scenario setup failed: create a basic account', describeResponse(made), 'a 2xx', made)],
      durationMs: made.durationMs,
    });
    return;
  }
  const basic = { user: name, password };

  // Reading is what a basic account is for.
  const reader = secured.find((o) => o.method === 'GET' && !o.path.includes('{'));
  if (reader) {
    const x = await ctx.send({ ...request(ctx, reader), auth: basic });
    const failures = is2xx(x) ? [] : [ctx.failure('Basic account cannot read', describeResponse(x), 'a 2xx', x)];
    ctx.report({
      check: 'basic_account_read_only',
      name: `${describeOperation(reader)} as a basic account`,
      status: failures.length ? 'fail' : 'pass',
      failures,
      durationMs: x.durationMs,
    });
  }
  for (const w of secured.filter((o) => o.method !== 'GET' && o.method !== 'HEAD' && o.method !== 'OPTIONS')) {
    ctx.progress(`basic_account_read_only ${w.id}`);
    const req = harmless(ctx, w);
    if (!req) {
      ctx.report({
        check: 'basic_account_read_only',
        name: `${describeOperation(w)} as a basic account`,
        status: 'skip',
        reason: actionReason(w),
        failures: [],
        durationMs: 0,
      });
      continue;
    }
    const x = await sendHarmless(ctx, w, { ...req, auth: basic });
    const failures =
      x.response.status === 401 ? [] : [ctx.failure('Write by a basic account not refused', describeResponse(x), '401 Unauthorized', x)];
    ctx.report({
      check: 'basic_account_read_only',
      name: `${describeOperation(w)} as a basic account`,
      status: failures.length ? 'fail' : 'pass',
      failures,
      durationMs: x.durationMs,
    });
  }

  // Remove the account again (its item path is the create's path plus its name).
  const remover = ctx.spec.operations.find((o) => o.method === 'DELETE' && new RegExp(`^${op.path}/\\{[^}/]+\\}$`).test(o.path));
  const param = remover ? pathParams(remover.path).pop() : undefined;
  if (remover && param) await ctx.http.send(request(ctx, remover, { params: { [param]: name } }));
}

export async function runAuthPhase(ctx: RunContext): Promise<void> {
  ctx.beginPhase('auth');
  const secured = ctx.spec.operations.filter((o) => o.secured && o.securitySchemes.length > 0);
  const reason = 'the spec requires no credentials for any operation';
  for (const check of ['ignored_auth', 'basic_account_read_only'] as const) {
    if (secured.length === 0) ctx.report({ check, name: ctx.spec.api, status: 'skip', reason, failures: [], durationMs: 0 });
  }
  if (secured.length > 0) {
    if (ctx.selected('ignored_auth') && ctx.options.spec !== undefined && ctx.credentials === undefined) {
      // A spec that is not ours, and no credentials: the target let the probe in without any,
      // so it is a twin or a sandbox that does not check them; the run cannot tell a refusal from that.
      const why =
        'no credentials were given (--user/--password) and the target answered without any: whether it refuses missing or wrong ones cannot be told';
      for (const op of secured)
        ctx.report({ check: 'ignored_auth', name: describeOperation(op), status: 'skip', reason: why, failures: [], durationMs: 0 });
    } else if (ctx.selected('ignored_auth')) await ignoredAuth(ctx, secured);
    if (ctx.selected('basic_account_read_only')) await basicAccountReadOnly(ctx, secured);
  }
  ctx.endPhase();
}
