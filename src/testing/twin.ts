/**
 * One twin per test file: building openapi-backend's validators is the slow
 * part, so a file builds its app once and (unless told not to) puts the state
 * back to the initial one before each test, which keeps tests independent.
 */
import { before, beforeEach } from 'node:test';
import { type Apps, createApp } from '../app.js';
import { type Config, testConfig } from '../config.js';
import { initialState } from '../maxscale/state.js';
import type { ApiName } from '../spec/load.js';
import { type TestHttp, testHttp } from './http.js';

export interface Twin {
  readonly config: Config;
  /** Set once the file's `before` hook has run. */
  readonly http: TestHttp;
  readonly apps: Apps;
}

export function useTwin(api: ApiName, opts: { config?: Partial<Config>; reset?: boolean } = {}): Twin {
  const config = testConfig(opts.config);
  let http: TestHttp | undefined;
  let apps: Apps | undefined;
  before(async () => {
    apps = await createApp(config);
    http = await testHttp(api === 'maxscale' ? apps.maxscale : apps.pip, api);
  });
  if (opts.reset !== false) {
    beforeEach(() => {
      if (!apps) return;
      if (api === 'maxscale') apps.maxscaleModel.load(initialState(config));
      else apps.pipModel.reset();
    });
  }
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useTwin: the twin is used before its before() hook ran');
    return value;
  };
  return {
    config,
    get http() {
      return ready(http);
    },
    get apps() {
      return ready(apps);
    },
  };
}

/** The ids of a JSON API collection document, in order. */
export const ids = (res: { body: { data: { id: string }[] } }): string[] => res.body.data.map((d) => d.id);
