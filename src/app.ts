/**
 * `createApp(config, stores)` builds both twins as Express apps without
 * listening; `src/server.ts` listens (and runs the pip expiry timer). Tests
 * call it with fresh stores.
 */
import { type AdminTools, createAdmin } from './admin/app.js';
import type { Config } from './config.js';
import type { Listener } from './http/answers.js';
import { createLogger, type Logger } from './log.js';
import { createMaxscaleApp } from './maxscale/app.js';
import type { MaxscaleModel } from './maxscale/model.js';
import { initialState } from './maxscale/state.js';
import { createPipApp } from './pip/app.js';
import { MemorySessionsStore } from './pip/memory-store.js';
import type { SessionsModel } from './pip/model.js';
import type { SessionsStore } from './pip/store.js';
import type { KvStore } from './store/kv.js';
import { MemoryKvStore } from './store/memory.js';

/** The state behind both twins. */
export interface Stores {
  maxscale: KvStore;
  pip: SessionsStore;
}

/** Each twin is its Express app behind a front lane (src/http/answers.ts): Node's request listener. */
export interface Apps {
  maxscale: Listener;
  maxscaleModel: MaxscaleModel;
  pip: Listener;
  pipModel: SessionsModel;
  logger: Logger;
  /** The admin API's tools (journal, faults), with `--admin-api` only. */
  admin: AdminTools | undefined;
}

export function memoryStores(): Stores {
  return { maxscale: new MemoryKvStore(), pip: new MemorySessionsStore() };
}

export async function createApp(config: Config, store: Stores = memoryStores(), logger: Logger = createLogger(config)): Promise<Apps> {
  const admin = await createAdmin(config, logger);
  const maxscale = await createMaxscaleApp(config, store.maxscale, { logger, initialState: () => initialState(config), admin });
  const pip = await createPipApp(config, store.pip, { logger, admin });
  admin?.attach({ maxscale: maxscale.model, pip: pip.model, initialMaxscale: () => initialState(config) });
  return { maxscale: maxscale.listener, maxscaleModel: maxscale.model, pip: pip.listener, pipModel: pip.model, logger, admin };
}
