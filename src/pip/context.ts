import type { operations } from '../../generated/pip-sessions.js';
import type { TypedHandler } from '../http/types.js';
import type { SessionsModel } from './model.js';

/** The pip-sessions service has no authentication; every request is anonymous. */
export type PipAuth = { anonymous: true };

export const ANONYMOUS: PipAuth = { anonymous: true };

/** What the status service reports about the running twin. */
export interface ServiceInfo {
  /** The context id (the real service uses the host name). */
  contextId: string;
  startTime: Date;
  /** Descriptors of the components, as Pip.Services' status service lists them. */
  components: readonly string[];
}

export interface PipContext {
  model: SessionsModel;
  info: ServiceInfo;
  now: () => Date;
}

export type PipOperations = operations;

/** The handler of one pip-sessions operation, typed from its generated operation. */
export type Handler<K extends keyof operations> = TypedHandler<operations[K], PipContext, PipAuth>;
