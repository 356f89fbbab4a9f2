/**
 * Every MaxScale operation's handler, keyed by operationId. `satisfies`
 * makes a missing or extra handler a type error; openapi-backend's strict
 * mode makes the same mismatch throw at start.
 */
import type { HandlerMap } from '../../http/types.js';
import type { MaxscaleAuth, MaxscaleContext, MaxscaleOperations } from '../context.js';
import * as services from './services.js';
import * as sessions from './sessions.js';

export const handlers = {
  ...sessions,
  ...services,
} satisfies HandlerMap<MaxscaleOperations, MaxscaleContext, MaxscaleAuth>;

// Spreading modules would let a stray export through; this fails tsc if one is not an operation.
const noExtraHandlers: Record<Exclude<keyof typeof handlers, keyof MaxscaleOperations>, never> = {};
void noExtraHandlers;
