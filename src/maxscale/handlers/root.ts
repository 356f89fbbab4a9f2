import type { Handler } from '../context.js';

/** `GET /` and `GET /v1/`: MaxScale answers 200 so they can serve as health checks. */
export const getRoot: Handler<'getRoot'> = (_req, { model, links }) => ({
  status: 200,
  body: { links: { self: links.path('') }, meta: { status: 'ok', version: model.core().version, uptime: model.uptime() } },
});
