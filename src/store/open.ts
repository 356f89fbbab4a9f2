import type { Stores } from '../app.js';
import type { Config } from '../config.js';
import { MemoryKvStore } from './memory.js';

/** Opens the stores the config names (`memory`, or `sqlite:PATH` once the SQLite store exists). */
export function openStores(config: Config): Stores {
  if (config.store === 'memory') return { maxscale: new MemoryKvStore() };
  throw new Error(`Unsupported store '${config.store}'`);
}
