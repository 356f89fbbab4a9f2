/**
 * The request journal: the last N requests the twins answered, in a ring
 * buffer (WireMock's request journal, for a stateful twin). Each entry is
 * begun when a request arrives and written once its answer is out (or the
 * connection is gone), so a 404 for an unknown path is there as well as a
 * dropped connection.
 */
import type express from 'express';
import type { components } from '../../generated/apitwin-admin.js';

export type JournalEntry = components['schemas']['JournalEntry'];
export type Injection = NonNullable<components['schemas']['Injection']>;
export type ApiName = components['schemas']['ApiName'];

export interface JournalFilter {
  api?: ApiName | undefined;
  operationId?: string | undefined;
  method?: string | undefined;
  pathPrefix?: string | undefined;
  status?: number | undefined;
  since?: string | undefined;
  until?: string | undefined;
  limit?: number | undefined;
}

/** Bodies larger than this are journaled as null: a journal of 1000 big bodies would eat the memory. */
export const MAX_JOURNALED_BODY = 64 * 1024;

const MASKED = new Set(['authorization', 'proxy-authorization']);

/** The headers as one string each, with credentials masked after their scheme (`Basic ***`). */
export function journaledHeaders(headers: import('node:http').IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    if (MASKED.has(name)) {
      const scheme = /^\S+/.exec(text)?.[0];
      out[name] = scheme && scheme !== text ? `${scheme} ***` : '***';
    } else {
      out[name] = text;
    }
  }
  return out;
}

function journaledBody(body: unknown): unknown {
  if (body === undefined) return null;
  try {
    const text = JSON.stringify(body);
    return text === undefined || text.length > MAX_JOURNALED_BODY ? null : body;
  } catch {
    return null;
  }
}

function queryOf(url: string): Record<string, string | string[]> {
  const at = url.indexOf('?');
  const out: Record<string, string | string[]> = {};
  if (at < 0) return out;
  const search = new URLSearchParams(url.slice(at + 1));
  for (const key of new Set(search.keys())) {
    const all = search.getAll(key);
    out[key] = all.length === 1 ? (all[0] ?? '') : all;
  }
  return out;
}

export class Journal {
  private readonly entries: (JournalEntry | undefined)[];
  private next = 0;
  private count = 0;
  private seq = 0;

  constructor(readonly capacity: number) {
    this.entries = new Array<JournalEntry | undefined>(capacity);
  }

  add(entry: Omit<JournalEntry, 'id'>): JournalEntry {
    this.seq += 1;
    const full = { id: this.seq, ...entry };
    this.entries[this.next] = full;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
    return full;
  }

  get size(): number {
    return this.count;
  }

  /** Newest first. */
  list(filter: JournalFilter = {}): JournalEntry[] {
    const out: JournalEntry[] = [];
    const method = filter.method?.toUpperCase();
    const since = filter.since === undefined ? undefined : Date.parse(filter.since);
    const until = filter.until === undefined ? undefined : Date.parse(filter.until);
    for (let i = 1; i <= this.count; i++) {
      const e = this.entries[(this.next - i + this.capacity) % this.capacity];
      if (!e) continue;
      if (filter.api !== undefined && e.api !== filter.api) continue;
      if (filter.operationId !== undefined && e.operationId !== filter.operationId) continue;
      if (method !== undefined && e.method !== method) continue;
      if (filter.pathPrefix !== undefined && !e.path.startsWith(filter.pathPrefix)) continue;
      if (filter.status !== undefined && e.status !== filter.status) continue;
      const at = Date.parse(e.time);
      if (since !== undefined && at < since) continue;
      if (until !== undefined && at >= until) continue;
      out.push(e);
      if (filter.limit !== undefined && out.length >= filter.limit) break;
    }
    return out;
  }

  clear(): void {
    this.entries.fill(undefined);
    this.next = 0;
    this.count = 0;
  }
}

/** What the fault and Prefer middleware tell the journal about a request. */
export interface RequestNotes {
  operationId?: string | undefined;
  injected?: Injection;
}

const notes = new WeakMap<express.Request, RequestNotes>();

export function noteRequest(req: express.Request, note: RequestNotes): void {
  notes.set(req, { ...notes.get(req), ...note });
}

/**
 * Journals every request that reaches it (mount it after Swagger UI and the
 * admin API, so those are left out). `operationIdOf` is asked once the answer
 * is out, so it sees the method after X-HTTP-Method-Override.
 */
export function journalMiddleware(
  journal: Journal,
  api: ApiName,
  operationIdOf: (req: express.Request) => string | undefined,
): express.RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const time = new Date().toISOString();
    const method = req.method;
    const path = req.originalUrl.split('?')[0] ?? req.originalUrl;
    const query = queryOf(req.originalUrl);
    const headers = journaledHeaders(req.headers);
    res.once('close', () => {
      const note = notes.get(req) ?? {};
      const answered = res.writableFinished || res.headersSent;
      const requestId = res.getHeader('X-Request-Id');
      journal.add({
        api,
        time,
        requestId: typeof requestId === 'string' ? requestId : '',
        method,
        path,
        query,
        headers,
        body: journaledBody(req.body),
        status: answered && !note.injected?.action.match(/^(drop|stall)$/) ? res.statusCode : 0,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        operationId: note.operationId ?? operationIdOf(req) ?? null,
        injected: note.injected ?? null,
      });
    });
    next();
  };
}
