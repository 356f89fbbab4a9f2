import type { operations } from '../../generated/maxscale.js';
import type { TypedHandler } from '../http/types.js';
import type { RuleFiles } from './dbfw.js';
import type { MaxscaleModel } from './model.js';
import type { Links } from './views.js';

/** Who made the request: MaxScale's `admin` accounts may write, `basic` ones only read. */
export interface MaxscaleAuth {
  user: string;
  account: 'admin' | 'basic';
}

export interface MaxscaleContext {
  model: MaxscaleModel;
  links: Links;
  /** Where the REST API really listens (with port 0, the port picked once it listens). */
  admin: () => { host: string; port: number };
  /** dbfwfilter rule files, read only inside the configured rules folder. */
  ruleFiles: RuleFiles;
}

export type MaxscaleOperations = operations;

/** The handler of one MaxScale operation, typed from its generated operation. */
export type Handler<K extends keyof operations> = TypedHandler<operations[K], MaxscaleContext, MaxscaleAuth>;
