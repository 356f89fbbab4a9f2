import type { Config } from '../config.js';
import type { MaxscaleModel } from '../maxscale/model.js';
import type { MaxscaleState } from '../maxscale/records.js';
import type { SessionsModel } from '../pip/model.js';
import type { FaultRules } from './faults.js';
import type { Journal } from './journal.js';

/** The twins the admin API works on; known once both are built. */
export interface AdminTwins {
  maxscale: MaxscaleModel;
  pip: SessionsModel;
  /** The MaxScale twin's start state (data file or maxscale.cnf, plus the admin user). */
  initialMaxscale: () => MaxscaleState;
}

/** What every admin handler receives. */
export interface AdminContext {
  config: Config;
  journal: Journal;
  faults: FaultRules;
  twins: () => AdminTwins;
}
