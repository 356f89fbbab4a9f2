/**
 * The rules of the MaxScale core object (Resources-MaxScale.md): its
 * runtime parameters and the logging settings. The checks themselves (which
 * parameters change at runtime, their types) are in `core.ts`.
 */
import { checkCoreUpdate, checkLogsUpdate, httpDate } from '../core.js';
import type { MaxscaleModel } from '../model.js';
import type { CoreRecord, Params } from '../records.js';

/**
 * `PATCH /maxscale`. `shown` are the values a GET shows instead of the
 * stored ones (the admin host and port really listened on), so that the
 * document a GET answered can be sent back unchanged.
 */
export function updateCore(model: MaxscaleModel, parameters: Record<string, unknown>, shown: Params = {}): void {
  model.store.transaction(() => {
    const core = model.core();
    const changed = checkCoreUpdate(parameters, { ...core.parameters, ...shown });
    const next: CoreRecord = { ...core, parameters: { ...core.parameters, ...changed } };
    if (changed.passive === false && core.parameters.passive !== false) next.activated_at = httpDate(model.now());
    model.putCore(next);
  });
}

export function updateLogs(model: MaxscaleModel, parameters: Record<string, unknown>): void {
  model.store.transaction(() => {
    const core = model.core();
    const next = checkLogsUpdate(parameters, core.logs.parameters);
    model.putCore({ ...core, logs: { ...core.logs, parameters: next } });
  });
}
