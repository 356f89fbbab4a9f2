/**
 * The rules of administrative users (Resources-User.md): network users
 * (HTTP Basic) and enabled UNIX accounts; the last network admin stays.
 */
import { forbidden, type MaxscaleModel } from '../model.js';
import type { UserRecord } from '../records.js';

export function createUser(
  model: MaxscaleModel,
  input: { type: 'inet' | 'unix'; id: string; account: 'admin' | 'basic'; password?: string | undefined },
): void {
  model.store.transaction(() => {
    if (model.findUser(input.type, input.id)) {
      throw forbidden(
        input.type === 'inet' ? `A network user named '${input.id}' already exists` : `UNIX account '${input.id}' is already enabled`,
      );
    }
    if (/[\s:]/.test(input.id)) throw forbidden(`User name '${input.id}' must not contain whitespace or ':'`);
    const user: UserRecord = { name: input.id, type: input.type, account: input.account };
    if (input.type === 'inet') user.password = input.password ?? '';
    model.users.put(`${user.type}:${user.name}`, user);
  });
}

/** Removes a user; the last network admin stays, or nobody could administer the twin. */
export function deleteUser(model: MaxscaleModel, type: 'inet' | 'unix', name: string): void {
  model.store.transaction(() => {
    const user = model.getUser(type, name);
    if (type === 'inet' && user.account === 'admin' && model.listUsers('inet').filter((u) => u.account === 'admin').length === 1) {
      throw forbidden(`Cannot delete '${name}': it is the last network user with an admin account`);
    }
    model.users.delete(`${type}:${name}`);
  });
}
