/**
 * Every pip-sessions operation's handler, named after its operationId. The
 * unversioned paths (`/sessions/<command>`, the protocol document's) run the
 * same handler as `/v1/sessions/<command>`. A null result is `204 No Content`,
 * as the real service answers it.
 */
import type { HandlerMap } from '../http/types.js';
import type { Handler, PipAuth, PipContext, PipOperations } from './context.js';
import type { SessionRecord } from './store.js';

function sessionOrNoContent(session: SessionRecord | undefined) {
  return session ? { status: 200 as const, body: session } : { status: 204 as const };
}

export const getSessions: Handler<'getSessions'> = (req, { model }) => ({ status: 200, body: model.getSessions(req.body ?? {}) });
export const getSessionsUnversioned: Handler<'getSessionsUnversioned'> = (req, ctx) => getSessions(req, ctx);

export const getSessionById: Handler<'getSessionById'> = (req, { model }) => sessionOrNoContent(model.getSessionById(req.body.session_id));
export const getSessionByIdUnversioned: Handler<'getSessionByIdUnversioned'> = (req, ctx) => getSessionById(req, ctx);

export const openSession: Handler<'openSession'> = (req, { model }) => ({ status: 200, body: model.openSession(req.body) });
export const openSessionUnversioned: Handler<'openSessionUnversioned'> = (req, ctx) => openSession(req, ctx);

export const storeSessionData: Handler<'storeSessionData'> = (req, { model }) =>
  sessionOrNoContent(model.storeSessionData(req.body.session_id, req.body.data));
export const storeSessionDataUnversioned: Handler<'storeSessionDataUnversioned'> = (req, ctx) => storeSessionData(req, ctx);

export const updateSessionUser: Handler<'updateSessionUser'> = (req, { model }) =>
  sessionOrNoContent(model.updateSessionUser(req.body.session_id, req.body.user));
export const updateSessionUserUnversioned: Handler<'updateSessionUserUnversioned'> = (req, ctx) => updateSessionUser(req, ctx);

export const closeSession: Handler<'closeSession'> = (req, { model }) => sessionOrNoContent(model.closeSession(req.body.session_id));
export const closeSessionUnversioned: Handler<'closeSessionUnversioned'> = (req, ctx) => closeSession(req, ctx);

export const closeExpiredSessions: Handler<'closeExpiredSessions'> = (_req, { model }) => {
  model.closeExpiredSessions();
  return { status: 204 };
};
export const closeExpiredSessionsUnversioned: Handler<'closeExpiredSessionsUnversioned'> = (req, ctx) => closeExpiredSessions(req, ctx);

export const deleteSessionById: Handler<'deleteSessionById'> = (req, { model }) =>
  sessionOrNoContent(model.deleteSessionById(req.body.session_id));
export const deleteSessionByIdUnversioned: Handler<'deleteSessionByIdUnversioned'> = (req, ctx) => deleteSessionById(req, ctx);

/** HeartbeatRestService: the current time, as a JSON string. */
export const getHeartbeat: Handler<'getHeartbeat'> = (_req, { now }) => ({ status: 200, body: now().toISOString() });

/** StatusRestService's document. */
export const getStatus: Handler<'getStatus'> = (_req, { info, now }) => {
  const current = now();
  return {
    status: 200,
    body: {
      id: info.contextId,
      name: 'pip-services-sessions',
      description: 'Sessions microservice for pip-services',
      start_time: info.startTime.toISOString(),
      current_time: current.toISOString(),
      uptime: Math.max(0, current.getTime() - info.startTime.getTime()),
      properties: {},
      components: [...info.components],
    },
  };
};

export const handlers = {
  getSessions,
  getSessionsUnversioned,
  getSessionById,
  getSessionByIdUnversioned,
  openSession,
  openSessionUnversioned,
  storeSessionData,
  storeSessionDataUnversioned,
  updateSessionUser,
  updateSessionUserUnversioned,
  closeSession,
  closeSessionUnversioned,
  closeExpiredSessions,
  closeExpiredSessionsUnversioned,
  deleteSessionById,
  deleteSessionByIdUnversioned,
  getHeartbeat,
  getStatus,
} satisfies HandlerMap<PipOperations, PipContext, PipAuth>;
