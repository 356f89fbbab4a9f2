/**
 * Dredd loads hook files itself (with require), so the runner hands them its
 * settings through this module, which both import (one module instance).
 */
import type { ApiName } from '../../src/spec/load.js';

export interface DreddHookSettings {
  api: ApiName;
  endpoint: string;
  isolate: boolean;
  user: string | undefined;
  password: string | undefined;
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
