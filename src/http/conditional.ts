/**
 * Conditional requests as MaxScale 2.3 evaluates them (API.md, and its REST
 * API's `request_precondition_met`): on every method, GET included, only the
 * first of these headers that is present counts:
 * 1. `If-Modified-Since`: not modified since → 304 Not Modified;
 * 2. `If-Unmodified-Since`: modified since → 412 Precondition Failed;
 * 3. `If-Match`: the ETag differs → 412;
 * 4. `If-None-Match`: the ETag is equal → 304.
 * A request whose precondition fails is not run, so it changes nothing. The
 * validators themselves belong to the twin (MaxScale: a counter per path).
 */
import type { IncomingMessage } from 'node:http';
import { ApiError, Errors } from '../errors.js';

export interface Validators {
  /** A quoted entity tag, e.g. `"3"`. */
  etag: string;
  lastModified: Date;
}

export interface ConditionalState {
  /** The validators of a request path. */
  validators(path: string): Validators;
  /** Called after every successful write (200, 201, 204) to a path. */
  modified(path: string): void;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** RFC 9110 §13.1.1: a list of entity tags (weak ones compare weakly), or `*`. */
function matches(list: string, etag: string): boolean {
  if (list.trim() === '*') return true;
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  return list.split(',').some((t) => bare(t) === bare(etag));
}

/** HTTP dates have one-second precision. */
function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

function httpDate(value: string): Date | undefined {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The validators as response headers. */
export function validatorHeaders(v: Validators): Record<string, string> {
  return { ETag: v.etag, 'Last-Modified': v.lastModified.toUTCString() };
}

/**
 * Evaluates the request's precondition against the path's validators:
 * `'not-modified'` (answer 304), throws a 412, or `'proceed'`. An unreadable
 * date counts as no condition.
 */
export function evaluatePreconditions(req: IncomingMessage, v: Validators): 'proceed' | 'not-modified' {
  const modifiedSince = header(req, 'if-modified-since');
  if (modifiedSince !== undefined) {
    const since = httpDate(modifiedSince);
    return since !== undefined && seconds(v.lastModified) <= seconds(since) ? 'not-modified' : 'proceed';
  }
  const unmodifiedSince = header(req, 'if-unmodified-since');
  if (unmodifiedSince !== undefined) {
    const since = httpDate(unmodifiedSince);
    if (since !== undefined && seconds(v.lastModified) > seconds(since)) {
      throw ApiError.from(Errors.PRECONDITION_FAILED, `Modified at ${v.lastModified.toUTCString()}, after If-Unmodified-Since`, {
        source: { parameter: 'If-Unmodified-Since' },
      });
    }
    return 'proceed';
  }
  const ifMatch = header(req, 'if-match');
  if (ifMatch !== undefined) {
    if (!matches(ifMatch, v.etag)) {
      throw ApiError.from(Errors.PRECONDITION_FAILED, `If-Match ${ifMatch} does not match the current ETag ${v.etag}`, {
        source: { parameter: 'If-Match' },
      });
    }
    return 'proceed';
  }
  const ifNoneMatch = header(req, 'if-none-match');
  if (ifNoneMatch !== undefined && matches(ifNoneMatch, v.etag)) return 'not-modified';
  return 'proceed';
}
