/**
 * Phase 2, conformance: every operation is called with the spec's examples,
 * in an order that works for a stateful API (probes for missing objects,
 * reads, creates with fresh names, updates and deletes of the objects this
 * phase created, deepest first), and every response is checked by
 * status_code_conformance, content_type_conformance,
 * response_schema_conformance and response_headers_conformance.
 */
import type { RunContext } from '../engine/context.js';
import {
  createdId,
  createdParams,
  exampleBodies,
  exampleBody,
  forget,
  freshen,
  groupOf,
  is2xx,
  remember,
  request,
} from '../engine/requests.js';
import { actionReason, planOf, sendRestoring } from '../engine/safety.js';
import { isDocumented, isObject, type OperationInfo, objectParam } from '../engine/spec.js';

export async function runConformancePhase(ctx: RunContext): Promise<void> {
  const { spec } = ctx;
  ctx.beginPhase('conformance');
  const skipReasons = new Map<string, string>();
  // An operation that documents only 1xx (101 Switching Protocols: a WebSocket) answers an upgrade,
  // which no plain HTTP exchange can give: it is left out, with its reason.
  const upgradeOnly = (op: OperationInfo) => {
    const statuses = Object.keys(op.responses);
    return statuses.length > 0 && statuses.every((k) => /^1/.test(k));
  };
  for (const op of spec.operations.filter(upgradeOnly)) {
    skipReasons.set(
      op.id,
      `it documents only ${Object.keys(op.responses).join(', ')} (a protocol upgrade), which a plain HTTP request cannot exercise`,
    );
  }
  const operations = spec.operations.filter((o) => !upgradeOnly(o));
  const byPath = (a: OperationInfo, b: OperationInfo) => a.path.localeCompare(b.path) || a.id.localeCompare(b.id);

  // Error statuses get their schema checked too: an object that does not exist, where 404 is documented.
  for (const op of [...operations].sort(byPath)) {
    const last = objectParam(op);
    if (!last || !isDocumented(op, 404) || !op.responses['404']) continue;
    ctx.progress(`${op.id}: missing object`);
    const body = exampleBody(op)?.value;
    if (op.kind === 'create') freshen(ctx, body);
    await ctx.send(request(ctx, op, { params: { [last]: ctx.fresh('missing') }, ...(body !== undefined ? { body } : {}) }));
  }

  // Reads, with the documented examples; where an example object is not on the target, the first listed one.
  for (const op of operations.filter((o) => o.kind === 'read').sort(byPath)) {
    ctx.progress(op.id);
    const x = await ctx.send(request(ctx, op));
    const group = spec.groups.find((g) => g.read === op);
    if (x.response.status === 404 && group?.list && !group.parent) {
      const list = await ctx.http.send(request(ctx, group.list));
      const items = isObject(list.response.body) && Array.isArray(list.response.body.data) ? list.response.body.data : [];
      const first = items.find((i): i is { id: string } => isObject(i) && typeof i.id === 'string');
      if (first) await ctx.send(request(ctx, op, { params: { [group.itemParam]: first.id } }));
    }
  }

  // Creates, parents first, once per documented media type, each object with its own fresh name.
  const creates = operations.filter((o) => o.kind === 'create').sort((a, b) => a.path.length - b.path.length || byPath(a, b));
  for (const op of creates) {
    const group = spec.groups.find((g) => g.create === op);
    const parentParams = createdParams(ctx, group?.parent) ?? {};
    const bodies = exampleBodies(op);
    const examples = bodies.length ? bodies : [undefined];
    for (const example of examples) {
      ctx.progress(`${op.id}${example ? ` (${example.mediaType})` : ''}`);
      const body = example?.value;
      freshen(ctx, body);
      const x = await ctx.send(
        request(ctx, op, {
          params: parentParams,
          ...(example ? { body, mediaType: example.mediaType } : {}),
        }),
      );
      if (!is2xx(x)) continue;
      const id = createdId(body, x, group);
      if (group && id) remember(ctx, group, { ...parentParams, [group.itemParam]: id });
      const rpc = spec.rpcGroups.find((g) => g.create === op);
      if (rpc && id) {
        ctx.createdIds.set(rpc.idField, id);
        ctx.createdRpc.push({ group: rpc, id });
      }
    }
  }

  // Updates, only on objects this run created; a shared setting is put back; an action the suite cannot undo only with --allow-destructive.
  for (const op of operations.filter((o) => o.kind === 'update').sort(byPath)) {
    const plan = planOf(spec, op);
    const group = groupOf(ctx, op);
    const params = createdParams(ctx, group) ?? {};
    if (plan.kind === 'action' && !ctx.options.allowDestructive) {
      skipReasons.set(op.id, actionReason(op));
      continue;
    }
    if (plan.kind === 'object' && ((group && !params[group.itemParam]) || (plan.rpc && !ctx.createdIds.has(plan.rpc.idField)))) {
      skipReasons.set(op.id, 'no object created by this run to change (the target’s own objects are never changed)');
      continue;
    }
    const bodies = exampleBodies(op);
    const examples = bodies.length ? bodies : [undefined];
    for (const example of examples) {
      ctx.progress(`${op.id}${example ? ` (${example.mediaType})` : ''}`);
      const body = example?.value;
      // A JSON API update names its object; it must be the one addressed.
      if (group && params[group.itemParam] && isObject(body) && isObject(body.data) && typeof body.data.id === 'string') {
        body.data.id = params[group.itemParam];
      }
      const req = request(ctx, op, { params, ...(example ? { body: ctx.substituteIds(body), mediaType: example.mediaType } : {}) });
      if (plan.kind === 'setting') await sendRestoring(ctx, plan, req);
      else await ctx.send(req);
    }
  }

  // Deletes: only objects this run created (never the target's own), deepest collections first.
  for (const op of operations.filter((o) => o.kind === 'delete').sort((a, b) => b.path.length - a.path.length || byPath(a, b))) {
    const group = groupOf(ctx, op);
    if (group && op.path === group.itemPath) {
      const mine = [...(ctx.created.get(group.name) ?? [])];
      if (!mine.length) skipReasons.set(op.id, 'no object created by this run to delete (the target’s own objects are never deleted)');
      for (const params of mine) {
        ctx.progress(`${op.id} ${params[group.itemParam]}`);
        const x = await ctx.send(request(ctx, op, { params }));
        if (is2xx(x)) forget(ctx, group, params);
      }
    } else if (!op.path.includes('{')) {
      // An RPC-style delete (pip's delete_session_by_id): the example, naming an object this run created.
      const plan = planOf(spec, op);
      if (plan.kind === 'object' && plan.rpc && !ctx.createdIds.has(plan.rpc.idField)) {
        skipReasons.set(op.id, 'no object created by this run to delete (the target’s own objects are never deleted)');
        continue;
      }
      if (plan.kind === 'action' && !ctx.options.allowDestructive) {
        skipReasons.set(op.id, actionReason(op));
        continue;
      }
      ctx.progress(op.id);
      await ctx.send(request(ctx, op));
    } else {
      skipReasons.set(op.id, 'no resource group found for this delete, and the target’s own objects are never deleted');
    }
  }

  ctx.endPhase(spec.operations, skipReasons);
}
