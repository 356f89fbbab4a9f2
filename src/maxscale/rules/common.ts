/**
 * What the rules of several resources share: a PATCH document sent back
 * whole names its object again and repeats what cannot change, and only the
 * parameters whose values differ are a change.
 */
import { forbidden } from '../model.js';
import { canonicalModule } from '../modules.js';
import type { Params } from '../records.js';

/** Module names are case-insensitive and have aliases: the same module, however it is named. */
export const sameModule = (name: string): string => canonicalModule(name).toLowerCase();

/** `data.id` of a PATCH, when given, must name the object of the path (servers compare it case-insensitively). */
export function checkSameId(kind: string, id: string | undefined, name: string, caseInsensitive = false): void {
  if (id === undefined) return;
  if (caseInsensitive ? id.toLowerCase() === name.toLowerCase() : id === name) return;
  throw forbidden(`The id '${id}' in the body does not match the ${kind} '${name}'`);
}

/** A service's router or a monitor's module cannot change; the same one sent back is no change. */
export function checkSameModule(kind: string, name: string, member: 'module' | 'router', current: string, given: string | undefined): void {
  if (given === undefined || sameModule(given) === sameModule(current)) return;
  throw forbidden(`The ${member} of ${kind} '${name}' is '${current}'; it cannot be changed to '${given}'`);
}

/** The given parameters whose values differ from the object's: a whole GET document sent back changes only these. */
export function changedParameters(current: Params, given: Params | undefined): Params {
  const changed: Params = {};
  for (const [key, value] of Object.entries(given ?? {})) {
    if (current[key] !== value) changed[key] = value;
  }
  return changed;
}
