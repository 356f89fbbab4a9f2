/**
 * Answers kept per state generation, and the front lane that sends them.
 *
 * A read whose answer is a function of the state and the request alone (a
 * MaxScale GET of the state; a pip `get_sessions` or `get_session_by_id`) is
 * routed, validated, run, checked against the spec and serialised once; its
 * bytes are kept under the request's method, URL and body, and sent again
 * while the state's generation is unchanged. Every write through the API,
 * and every new state, moves the generation, which empties the cache.
 *
 * The front lane runs before Express, in the HTTP server's request listener:
 * a request that is certain to get a kept answer (a plain read: no
 * precondition headers, no method override, no CORS origin, no admin API
 * rules, credentials the twin accepts) is answered there, logged as every
 * request is; any other request, and any doubt, goes to the Express app
 * unchanged. Issue 13's profile: Express's own routing and middleware were
 * most of a cached GET's cost.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HandlerResult } from './types.js';

/** A kept answer: the result as the handler gave it (status, headers) and its bytes as sent. */
export interface Cached {
  result: HandlerResult;
  bytes: Buffer;
  /** The operation that answered (credentials are checked against it again on each send). */
  operationId: string;
}

/** Most answers kept at once; past that the cache starts again (a client walking many URLs). */
const CACHE_ENTRIES = 256;

/** Answers for one generation of the state, by request key (see `answerKey`). */
export class AnswerCache {
  private generation = Number.NaN;
  private readonly answers = new Map<string, Cached>();

  get(generation: number, key: string): Cached | undefined {
    if (generation !== this.generation) {
      this.answers.clear();
      this.generation = generation;
      return undefined;
    }
    return this.answers.get(key);
  }

  set(generation: number, key: string, cached: Cached): void {
    if (generation !== this.generation) return;
    if (this.answers.size >= CACHE_ENTRIES) this.answers.clear();
    this.answers.set(key, cached);
  }
}

/** The bytes of each request's JSON body, as the body parser read them (its `verify` hook). */
const rawBodies = new WeakMap<IncomingMessage, string>();

/** Remembers the body's bytes for the answer key (called from the JSON parser's `verify` hook). */
export function rememberRawBody(req: IncomingMessage, raw: Buffer): void {
  rawBodies.set(req, raw.toString('latin1'));
}

/** The body's bytes as the JSON parser read them, if it did (`rememberRawBody`). */
export function rawBodyOf(req: IncomingMessage): string | undefined {
  return rawBodies.get(req);
}

/** The key of a request's answer: method, URL as sent (query included) and the body's bytes, if any. */
export function answerKey(method: string, url: string, body?: string): string {
  return body === undefined ? `${method} ${url}` : `${method} ${url}\n${body}`;
}

/** Node's request listener: what `http.createServer` and supertest take. */
export type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** Headers that make a read more than a plain read: its answer is the Express app's to decide. */
const NOT_PLAIN = ['if-modified-since', 'if-unmodified-since', 'if-match', 'if-none-match', 'origin', 'x-http-method-override'];

/**
 * A request the front lane may answer from the cache, as far as its headers tell: no
 * precondition (answered per request, src/http/conditional.ts), no CORS origin (the docs router
 * adds its headers), no method override, and no body unless `body` allows one.
 */
export function isPlainRequest(req: IncomingMessage, body: 'none' | 'json'): boolean {
  const headers = req.headers;
  for (const name of NOT_PLAIN) if (headers[name] !== undefined) return false;
  if (headers['transfer-encoding'] !== undefined || headers['content-encoding'] !== undefined) return false;
  if (body === 'none') return headers['content-length'] === undefined || headers['content-length'] === '0';
  return true;
}
