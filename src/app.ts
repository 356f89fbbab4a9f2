/**
 * `createApp(config, store)` builds both twins as Express apps without
 * listening; `src/server.ts` listens. Tests call it with a fresh store.
 */
import type express from 'express';
import type { Config } from './config.js';
import { createLogger, type Logger } from './log.js';
import { createMaxscaleApp } from './maxscale/app.js';
import type { MaxscaleModel } from './maxscale/model.js';
import { initialState } from './maxscale/state.js';
import type { KvStore } from './store/kv.js';
import { MemoryKvStore } from './store/memory.js';

/** The state behind both twins. */
export interface Stores {
  maxscale: KvStore;
}

export interface Apps {
  maxscale: express.Express;
  maxscaleModel: MaxscaleModel;
  logger: Logger;
}

export function memoryStores(): Stores {
  return { maxscale: new MemoryKvStore() };
}

export async function createApp(config: Config, store: Stores = memoryStores(), logger: Logger = createLogger(config)): Promise<Apps> {
  const maxscale = await createMaxscaleApp(config, store.maxscale, { logger, initialState: () => initialState(config) });
  return { maxscale: maxscale.app, maxscaleModel: maxscale.model, logger };
}
