/**
 * What both APIs' Dredd hooks share: talking to the target, resetting it,
 * and the generic ways to make a documented error status happen.
 */
import type { DreddTransaction } from './hooks-api.js';
import { hookSettings } from './settings.js';

export type Prepare = (t: DreddTransaction) => Promise<void> | void;

export async function send(method: string, path: string, body?: unknown, opts: { auth?: boolean } = {}): Promise<Response> {
  const s = hookSettings();
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.auth !== false && s.user !== undefined) {
    headers.Authorization = `Basic ${Buffer.from(`${s.user}:${s.password ?? ''}`).toString('base64')}`;
  }
  const init = { method, headers, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) };
  // A keep-alive socket the server closed while Dredd was parsing the spec fails once ("other side closed"); undici does not retry POSTs.
  return fetch(`${s.endpoint}${path}`, init).catch(() => fetch(`${s.endpoint}${path}`, init));
}

/** Our twins' admin API (`--admin-api`) puts both stores back to their start state (isolation, as Dredd's docs advise). */
export async function reset(): Promise<void> {
  const res = await send('POST', '/__apitwin/state/reset', undefined, { auth: false });
  if (res.status !== 204) throw new Error(`reset failed: ${res.status}`);
}

export function removeHeader(t: DreddTransaction, name: string): void {
  for (const key of Object.keys(t.request.headers)) if (key.toLowerCase() === name.toLowerCase()) delete t.request.headers[key];
}

export function setHeader(t: DreddTransaction, name: string, value: string): void {
  removeHeader(t, name);
  t.request.headers[name] = value;
}

export function setBody(t: DreddTransaction, body: string): void {
  t.request.body = body;
  setHeader(t, 'Content-Length', String(Buffer.byteLength(body)));
}

/** Replaces the path (keeping the query string). */
export function setPath(t: DreddTransaction, path: string): void {
  const query = t.request.uri.includes('?') ? t.request.uri.slice(t.request.uri.indexOf('?')) : '';
  t.request.uri = `${path}${query}`;
  t.fullPath = t.request.uri;
}

/** The request path with its first path parameter replaced by a name nothing has. */
export function pathWithUnknownFirstParameter(t: DreddTransaction, unknown = 'no-such-object'): string | undefined {
  const template = t.origin.resourceName.split('/');
  const actual = t.request.uri.split('?')[0]?.split('/') ?? [];
  const index = template.findIndex((seg) => seg.startsWith('{'));
  if (index < 0 || actual.length !== template.length) return undefined;
  actual[index] = unknown;
  return actual.join('/');
}
