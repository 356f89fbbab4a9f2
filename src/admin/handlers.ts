/**
 * Every admin operation's handler, named after its operationId
 * (openapi/apitwin-admin.yaml); the `satisfies` map makes a missing or extra
 * one fail tsc.
 */
import type { operations } from '../../generated/apitwin-admin.js';
import type { HandlerMap, TypedHandler } from '../http/types.js';
import type { AdminContext } from './context.js';
import { exportMaxscale, exportPipSessions, importMaxscale, importPipSessions } from './state.js';

type Handler<K extends keyof operations> = TypedHandler<operations[K], AdminContext, undefined>;

export const listJournalEntries: Handler<'listJournalEntries'> = (req, { journal }) => ({
  status: 200,
  body: { capacity: journal.capacity, recorded: journal.size, entries: journal.list(req.query) },
});

export const clearJournal: Handler<'clearJournal'> = (_req, { journal }) => {
  journal.clear();
  return { status: 204 };
};

export const listFaults: Handler<'listFaults'> = (_req, { faults }) => ({ status: 200, body: { rules: faults.list() } });

export const createFault: Handler<'createFault'> = (req, { faults }) => ({ status: 201, body: faults.add(req.body) });

export const clearFaults: Handler<'clearFaults'> = (_req, { faults }) => {
  faults.clear();
  return { status: 204 };
};

export const getFault: Handler<'getFault'> = (req, { faults }) => ({ status: 200, body: faults.get(req.params.id) });

export const deleteFault: Handler<'deleteFault'> = (req, { faults }) => {
  faults.delete(req.params.id);
  return { status: 204 };
};

export const exportMaxscaleState: Handler<'exportMaxscaleState'> = (_req, ctx) => ({
  status: 200,
  body: exportMaxscale(ctx.twins().maxscale),
});

export const importMaxscaleState: Handler<'importMaxscaleState'> = (req, ctx) => {
  importMaxscale(ctx.twins().maxscale, req.body, ctx.config);
  return { status: 204 };
};

export const exportPipSessionsState: Handler<'exportPipSessionsState'> = (_req, ctx) => ({
  status: 200,
  body: exportPipSessions(ctx.twins().pip),
});

export const importPipSessionsState: Handler<'importPipSessionsState'> = (req, ctx) => {
  importPipSessions(ctx.twins().pip, req.body);
  return { status: 204 };
};

export const resetState: Handler<'resetState'> = (_req, ctx) => {
  const { maxscale, pip, initialMaxscale } = ctx.twins();
  maxscale.load(initialMaxscale());
  pip.reset();
  return { status: 204 };
};

export const handlers = {
  listJournalEntries,
  clearJournal,
  listFaults,
  createFault,
  clearFaults,
  getFault,
  deleteFault,
  exportMaxscaleState,
  importMaxscaleState,
  exportPipSessionsState,
  importPipSessionsState,
  resetState,
} satisfies HandlerMap<operations, AdminContext, undefined>;
