import type { Handler } from '../context.js';
import { sessionResource } from '../views.js';

export const listSessions: Handler<'listSessions'> = (_req, { model, links }) => ({
  status: 200,
  body: { links: { self: links.collection('sessions') }, data: model.listSessions().map((s) => sessionResource(model, links, s)) },
});

export const getSession: Handler<'getSession'> = (req, { model, links }) => ({
  status: 200,
  body: {
    links: { self: links.resource('sessions', req.params.id) },
    data: sessionResource(model, links, model.getSession(req.params.id)),
  },
});
