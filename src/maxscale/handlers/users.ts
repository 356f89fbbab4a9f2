/** Administrative users: network users (HTTP Basic) and enabled UNIX accounts. Passwords are never rendered. */
import type { Handler } from '../context.js';
import { createUser, deleteUser } from '../rules/users.js';
import { userResource } from '../views.js';

export const listUsers: Handler<'listUsers'> = (_req, { model, links }) => ({
  status: 200,
  body: { links: { self: links.path('users/') }, data: model.listUsers().map((u) => userResource(links, u)) },
});

export const listInetUsers: Handler<'listInetUsers'> = (_req, { model, links }) => ({
  status: 200,
  body: { links: { self: links.path('users/inet') }, data: model.listUsers('inet').map((u) => userResource(links, u)) },
});

export const getInetUser: Handler<'getInetUser'> = (req, { model, links }) => {
  const user = model.getUser('inet', req.params.name);
  return {
    status: 200,
    body: { links: { self: links.path(`users/inet/${encodeURIComponent(user.name)}`) }, data: userResource(links, user) },
  };
};

export const createInetUser: Handler<'createInetUser'> = (req, { model }) => {
  const { data } = req.body;
  createUser(model, { type: 'inet', id: data.id, account: data.attributes.account, password: data.attributes.password });
  return { status: 204 };
};

export const deleteInetUser: Handler<'deleteInetUser'> = (req, { model }) => {
  deleteUser(model, 'inet', req.params.name);
  return { status: 204 };
};

export const listUnixUsers: Handler<'listUnixUsers'> = (_req, { model, links }) => ({
  status: 200,
  body: { links: { self: links.path('users/unix') }, data: model.listUsers('unix').map((u) => userResource(links, u)) },
});

export const getUnixUser: Handler<'getUnixUser'> = (req, { model, links }) => {
  const user = model.getUser('unix', req.params.name);
  return {
    status: 200,
    body: { links: { self: links.path(`users/unix/${encodeURIComponent(user.name)}`) }, data: userResource(links, user) },
  };
};

export const enableUnixUser: Handler<'enableUnixUser'> = (req, { model }) => {
  const { data } = req.body;
  createUser(model, { type: 'unix', id: data.id, account: data.attributes.account });
  return { status: 204 };
};

export const disableUnixUser: Handler<'disableUnixUser'> = (req, { model }) => {
  deleteUser(model, 'unix', req.params.name);
  return { status: 204 };
};
