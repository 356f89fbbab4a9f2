/**
 * The runner's settings for the hooks, and the reasons the hooks give for the
 * transactions they skip (Dredd's own skip event carries no reason).
 */
import type { ApiName } from '../../src/spec/load.js';

export interface DreddHookSettings {
  api: ApiName | string;
  endpoint: string;
  isolate: boolean;
  /** Replay examples that change the target's own objects. */
  allowDestructive: boolean;
  user: string | undefined;
  password: string | undefined;
  /** Why the spec refuses a request Dredd built (see DreddRunOptions), if it does. */
  requestRefusal?: (request: { method: string; path: string; headers: Record<string, string>; body?: string }) => string | undefined;
}

const KEY = Symbol.for('apitwin.dredd.settings');

export function setHookSettings(settings: DreddHookSettings): void {
  (globalThis as Record<symbol, unknown>)[KEY] = settings;
}

export function hookSettings(): DreddHookSettings {
  const settings = (globalThis as Record<symbol, unknown>)[KEY] as DreddHookSettings | undefined;
  if (!settings) throw new Error('Dredd hooks loaded outside runDredd(): no settings');
  return settings;
}

/** Why a transaction was skipped, by transaction id. */
export const skipReasons = new Map<string, string>();
