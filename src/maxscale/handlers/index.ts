/**
 * Every MaxScale operation's handler, keyed by operationId. `satisfies`
 * makes a missing or extra handler a type error; openapi-backend's strict
 * mode makes the same mismatch throw at start.
 */
import type { HandlerMap } from '../../http/types.js';
import type { MaxscaleAuth, MaxscaleContext, MaxscaleOperations } from '../context.js';
import * as filters from './filters.js';
import * as maxscale from './maxscale.js';
import * as monitors from './monitors.js';
import * as root from './root.js';
import * as servers from './servers.js';
import * as services from './services.js';
import * as sessions from './sessions.js';
import * as users from './users.js';

export const handlers = {
  ...root,
  ...maxscale,
  ...servers,
  ...monitors,
  ...filters,
  ...users,
  ...sessions,
  ...services,
} satisfies HandlerMap<MaxscaleOperations, MaxscaleContext, MaxscaleAuth>;

// Spreading modules would let a stray export through; this fails tsc if one is not an operation.
const noExtraHandlers: Record<Exclude<keyof typeof handlers, keyof MaxscaleOperations>, never> = {};
void noExtraHandlers;
